from django.urls import path

from jiuye.exports.views import export_file
from jiuye.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export.xlsx", export_file, {"kind": "registry.person"}, name="person_export"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/id-number/", views.person_correct_id, name="person_correct_id"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
    path("persons/<int:pk>/registrations/", views.person_registration, name="person_registration"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/move/", views.person_move, name="person_move"),
    path("persons/<int:pk>/state/", views.person_state, name="person_state"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("zero-employment/", views.case_list, name="case_list"),
    path("zero-employment/rule/", views.zero_rule_edit, name="zero_rule"),
    path("zero-employment/export.xlsx", export_file, {"kind": "registry.case"}, name="case_export"),
    path("zero-employment/<int:pk>/", views.case_detail, name="case_detail"),
]
