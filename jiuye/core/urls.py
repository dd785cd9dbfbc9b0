from django.urls import path

from jiuye.core import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_event_list, name="event_list"),
    path("verify/", views.audit_verify, name="verify"),
]
