from django.urls import path

from jiuye.reports import views

app_name = "reports"
urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual.docx", views.annual_docx, name="annual_docx"),
    path("annual.pdf", views.annual_pdf, name="annual_pdf"),
]
