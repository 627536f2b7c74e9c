from django.urls import reverse

from engagement.audit.models import AuditEvent
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")


def test_sign_in_and_its_audit_event(client, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=officer).exists()


def test_failed_sign_in_says_so_keeps_the_username_and_is_audited(client, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct username and password" in html
    assert 'value="officer"' in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_SIGN_IN)
    assert event.detail == {"username": "officer"}
    assert "wrong" not in str(event.detail)


def test_next_only_goes_to_this_site(client, officer):
    response = client.post(
        SIGN_IN + "?next=https://evil.example/", {"username": "officer", "password": PASSWORD}
    )
    assert response.url == reverse("home")


def test_sign_out_is_post_only(client, officer):
    client.force_login(officer)
    assert client.get(SIGN_OUT).status_code == 405
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
