from django.urls import path

from jiuye.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
]
