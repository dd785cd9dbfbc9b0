from django.urls import path

from jiuye.core import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_event_list, name="event_list"),
    path("verify/", views.audit_verify, name="verify"),
    path("export.xlsx", views.audit_event_export, name="export"),
    path("<int:seq>/", views.audit_event_detail, name="detail"),
]
