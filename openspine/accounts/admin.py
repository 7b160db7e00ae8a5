from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from openspine.accounts.models import Department, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("OpenSpine", {"fields": ("role", "department", "display_name", "expires_at")}),
    )
    list_display = ("username", "display_name", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")


admin.site.register(Department)
