from django.urls import reverse


def test_header_marks_the_current_section(client, officer, meeting):
    client.force_login(officer)
    html = client.get(reverse("meetings:meeting-list")).content.decode()
    assert (
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Meetings'
        in html
    )

    html = client.get(meeting.get_absolute_url()).content.decode()
    assert (
        'aria-current="true"><strong class="govuk-service-navigation__active-fallback">Meetings'
        in html
    )


def test_header_links_follow_ups_and_groups(client, liaison):
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("meetings:follow-up-list")}">Follow-ups</a>' in html
    assert f'href="{reverse("meetings:group-list")}">Groups</a>' in html


def test_admins_find_the_audit_log_and_the_retention_queue_in_the_header(
    client, admin_user, officer
):
    client.force_login(admin_user)
    html = client.get(reverse("retention:retention-queue")).content.decode()
    assert (
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
        "Retention review" in html
    )
    assert f'href="{reverse("audit:audit-list")}">Audit log</a>' in html
    html = client.get(reverse("audit:audit-list")).content.decode()
    assert (
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
        "Audit log" in html
    )
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "Audit log" not in html and "Retention review" not in html
