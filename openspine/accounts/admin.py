from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from openspine.accounts.models import Department, User

# 三员分立 (T-23): roles and account status are granted only on the security administrator's
# audited staff page, never in the system administrator's admin site.
SECURITY_FIELDS = ("role", "is_active", "is_superuser", "groups", "user_permissions", "expires_at")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("OpenSpine", {"fields": ("role", "department", "display_name", "expires_at")}),
    )
    list_display = ("username", "display_name", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    readonly_fields = (*SECURITY_FIELDS, "last_login", "date_joined")


admin.site.register(Department)
