"""The pages under ``/focal-points/``."""

from django.urls import path

from . import views

app_name = "designations"

urlpatterns = [
    path("", views.focal_point_list, name="public-list"),
    path("nominate/", views.nominate, name="nominate"),
    path("nominated/", views.nominated, name="nominated"),
    path("designations/", views.designation_list, name="list"),
    path("designations/<int:pk>/", views.designation_detail, name="detail"),
    path("designations/<int:pk>/letter/", views.letter_download, name="letter"),
    path("designations/<int:pk>/<str:action>/", views.designation_act, name="act"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("password-set/", views.password_set, name="password-set"),
]
