app_name = "surgery"
urlpatterns: list = []
