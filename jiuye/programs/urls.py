from django.urls import path

from jiuye.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("p/<slug:code>/", views.program_detail, name="program_detail"),
    path("p/<slug:code>/params/", views.param_set, name="param_set"),
    path("p/<slug:code>/run/", views.run, name="run"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/bulk/", views.claim_bulk, name="claim_bulk"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/<slug:step>/", views.claim_step, name="claim_step"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/export/", views.notice_export, name="notice_export"),
    path("payments/", views.batch_list, name="batch_list"),
    path("payments/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("payments/<int:pk>/file/", views.batch_file, name="batch_file"),
    path("payments/<int:pk>/return/", views.batch_return, name="batch_return"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/allocate/", views.fund_allocate, name="fund_allocate"),
    path("funds/budget/", views.budget_set, name="budget_set"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/place/", views.post_place, name="post_place"),
    path("placements/<int:pk>/exit/", views.placement_exit, name="placement_exit"),
    path("facts/insurance/", views.insurance_list, name="insurance_list"),
    path("facts/benefits/", views.benefit_list, name="benefit_list"),
]
