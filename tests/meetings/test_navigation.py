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
