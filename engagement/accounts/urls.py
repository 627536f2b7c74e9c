from django.urls import path

from engagement.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("locked/", views.locked_list, name="locked-list"),
    path("locked/<int:pk>/unlock/", views.unlock, name="unlock"),
]
