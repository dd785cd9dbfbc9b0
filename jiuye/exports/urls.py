from django.urls import path

from jiuye.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("requests/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/download/", views.request_download, name="request_download"),
]
