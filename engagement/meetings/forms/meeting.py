"""The meeting form: the meeting, its officers' disclosures and its follow-ups, as one."""

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from engagement.accounts.queries import officers
from engagement.community.models import Area, CommunityGroup
from engagement.gds import (
    error_summary,
    inner_form_helper,
    number_input,
    radios_without_blank,
    yes_no_field,
)
from engagement.meetings.models import (
    NO_PERSONAL_DETAILS,
    POLICE_ONLY,
    SEEN_BY_LIAISONS,
    SHORT_TEXT,
    Disclosure,
    FollowUpAction,
    Meeting,
)
from engagement.meetings.rules import (
    NO_GROUP_ERROR,
    NO_OFFICER_ERROR,
    SAME_OFFICER_ERROR,
    check_due_date,
    check_owed_to,
)
from engagement.meetings.services.meeting import MEETING_FIELDS, MeetingParts


class MeetingForm(forms.ModelForm):
    concern_topics = forms.MultipleChoiceField(
        label="Topics of concern the community raised",
        help_text="Select all that apply. " + SEEN_BY_LIAISONS,
        choices=Meeting.ConcernTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    concerns_needing_response = forms.MultipleChoiceField(
        label="Concerns the community asked the police to answer",
        help_text="Tick those that need a response, then add a follow-up action below that "
        "answers each. " + SEEN_BY_LIAISONS,
        choices=Meeting.ConcernTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    correction_note = forms.CharField(
        label="What did you correct?",
        help_text="Needed to submit a correction of a disputed meeting: the liaisons read it "
        "when they review again. " + NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        # The same fields the service accepts, less the topic flags (one checkbox group).
        fields = [
            "groups",
            *(
                name
                for name in MEETING_FIELDS
                if name not in Meeting.ConcernTopic.values and name != "concerns_needing_response"
            ),
        ]
        widgets = {
            "date": forms.DateInput(
                attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
                format="%Y-%m-%d",
            ),
            "start_time": forms.TimeInput(
                attrs={"type": "time", "class": "govuk-input govuk-input--width-5"},
                format="%H:%M",
            ),
            "duration_minutes": number_input(),
            "attendee_count": number_input(),
            "under_25_count": number_input(),
            "under_18_count": number_input(),
            "groups": forms.CheckboxSelectMultiple,
            "information_shared": forms.Textarea(attrs={"rows": 4}),
            "concerns_raised": forms.Textarea(attrs={"rows": 4}),
            "passed_on_reason": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "date": {"required": "Enter the date of the meeting."},
            "start_time": {"required": "Enter the time the meeting started."},
            "duration_minutes": {"required": "Enter how long the meeting lasted, in minutes."},
            "area": {"required": "Choose the area."},
            "groups": {"required": NO_GROUP_ERROR},
            "purpose": {"required": "Enter the purpose of the meeting."},
            "attendee_count": {"required": "Enter the number of community attendees."},
            "information_shared": {"required": "Enter what the police shared."},
            "summary": {"required": "Enter a summary for the community liaisons."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["area"].empty_label = "Choose an area"
        self.fields["groups"].queryset = CommunityGroup.objects.filter(active=True).order_by("name")
        radios_without_blank(self, "venue_kind", "initiated_by", "focus")
        kind = self.fields["passed_on_kind"]
        kind.choices = [("", "Choose what kind"), *Meeting.PassedOnKind.choices]
        for name, required in [
            ("passed_on", True),
            ("responsible_adult_present", False),
            ("community_told_passed_on", False),
        ]:
            self.fields[name] = yes_no_field(Meeting._meta.get_field(name), required=required)
        self.fields["under_25_count"].required = False
        self.fields["under_18_count"].required = False
        if self.instance.pk:
            self.initial["concern_topics"] = self.instance.concern_topics
            self.initial["concerns_needing_response"] = self.instance.concerns_needing_response
            # The GDS checkbox template compares strings: give it the ids as strings.
            self.initial["groups"] = [
                str(pk) for pk in self.instance.groups.values_list("pk", flat=True)
            ]
            self.initial["version"] = self.instance.version
        self.helper = inner_form_helper(
            Fieldset(
                Field.text("date"),
                Field.text("start_time"),
                Field.text("duration_minutes"),
                Field.radios("venue_kind", small=True),
                Field.select("area"),
                Field.checkboxes("groups", small=True),
                Field.radios("initiated_by", small=True),
                Field.radios("focus", small=True),
                Field.text("purpose"),
                Field.text("topics"),
                legend="The meeting",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">Counts only: never names. '
                    + NO_PERSONAL_DETAILS
                    + "</p>"
                ),
                Field.text("attendee_count"),
                Field.text("under_25_count"),
                Field.text("under_18_count"),
                Field.radios("responsible_adult_present", small=True, inline=True),
                legend="Who came",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("information_shared", rows=4),
                Field.textarea("concerns_raised", rows=4),
                Field.checkboxes("concern_topics", small=True),
                Field.checkboxes("concerns_needing_response", small=True),
                Field.textarea("summary", rows=5),
                legend="What was said",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("passed_on", small=True, inline=True),
                Field.select("passed_on_kind"),
                Field.textarea("passed_on_reason", rows=3),
                Field.radios("community_told_passed_on", small=True, inline=True),
                legend="Passed on to other police systems",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("internal_notes", rows=3),
                legend="Police only",
                legend_size=Size.MEDIUM,
            ),
            "version",
        )
        if self.instance.status == Meeting.Status.DISPUTED:
            self.helper.layout.insert(
                0,
                Fieldset(
                    Field.textarea("correction_note", rows=3, max_characters=SHORT_TEXT),
                    legend="Your correction",
                    legend_size=Size.MEDIUM,
                ),
            )
        else:
            del self.fields["correction_note"]

    def clean_under_25_count(self):
        return self.cleaned_data.get("under_25_count") or 0

    def clean_under_18_count(self):
        return self.cleaned_data.get("under_18_count") or 0

    def meeting_fields(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("groups", "concern_topics", "version", "correction_note")
        }
        data["concerns_needing_response"] = list(
            self.cleaned_data.get("concerns_needing_response") or []
        )
        chosen = set(self.cleaned_data.get("concern_topics") or [])
        for topic in Meeting.ConcernTopic.values:
            data[topic] = topic in chosen
        if not data.get("passed_on"):
            # Nothing passed on: nothing to say about what, why or whether they were told.
            data |= {"passed_on_kind": "", "passed_on_reason": "", "community_told_passed_on": None}
        if not data.get("under_18_count"):
            data["responsible_adult_present"] = None
        return data


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["officer", "level", "method", "timing", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"officer": {"required": "Choose the officer."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        officer.queryset = officers()
        officer.label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.officer_profile.collar_number})"
        )
        officer.empty_label = "Choose an officer"
        officer.label = "Officer"
        officer.help_text = SEEN_BY_LIAISONS
        radios_without_blank(self, "level", "method", "timing")
        self.helper = inner_form_helper(
            Field.select("officer"),
            Field.radios("level", small=True),
            Field.radios("method", small=True),
            Field.radios("timing", small=True, inline=True),
            Field.textarea("reason", rows=2),
        )
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Remove this officer from the meeting"
            self.helper.layout.append(Field.checkbox("DELETE", small=True))


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "owed_to", "due_date"]
        widgets = {
            "due_date": forms.DateInput(
                attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
                format="%Y-%m-%d",
            ),
        }
        error_messages = {
            "description": {"required": "Enter what was promised."},
            "owner": {"required": "Choose the officer who owns it."},
            "owed_to": {"required": "Choose the group it is owed to."},
            "due_date": {"required": "Enter the due date."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers()
        self.fields["owner"].empty_label = "Choose an officer"
        self.fields["owed_to"].queryset = CommunityGroup.objects.filter(active=True).order_by(
            "name"
        )
        self.fields["owed_to"].empty_label = "Choose a group"
        self.fields["description"].help_text = "No names of individuals. " + SEEN_BY_LIAISONS
        self.helper = inner_form_helper(
            Field.text("description"),
            Field.select("owner"),
            Field.select("owed_to"),
            Field.text("due_date"),
        )


class BaseDisclosureFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        # clean() reports a repeated officer next to the field, in our own words.
        pass

    def clean(self):
        super().clean()
        seen = set()
        live = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            live += 1
            officer = data.get("officer")
            if officer is not None:
                if officer in seen:
                    form.add_error("officer", SAME_OFFICER_ERROR)
                seen.add(officer)
        if live == 0:
            raise ValidationError(NO_OFFICER_ERROR)


class BaseFollowUpFormSet(forms.BaseInlineFormSet):
    meeting_date = None
    meeting_groups = ()

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            try:
                check_due_date(data.get("due_date"), self.meeting_date)
            except ValidationError as error:
                form.add_error("due_date", error)
            try:
                check_owed_to(data.get("owed_to"), self.meeting_groups)
            except ValidationError as error:
                form.add_error("owed_to", error)


def disclosure_formset(extra: int):
    return forms.inlineformset_factory(
        Meeting,
        Disclosure,
        form=DisclosureForm,
        formset=BaseDisclosureFormSet,
        extra=extra,
        min_num=1,
        can_delete=True,
        can_delete_extra=False,
    )


def follow_up_formset(extra: int):
    return forms.inlineformset_factory(
        Meeting,
        FollowUpAction,
        form=FollowUpForm,
        formset=BaseFollowUpFormSet,
        extra=extra,
        can_delete=False,
    )


# Buttons that ask for one more blank row (no JavaScript needed), by formset prefix.
ADD_ROW_BUTTONS = {"add_officer": "disclosures", "add_follow_up": "follow_ups"}
MAX_ROWS = 20


def row_to_add(data) -> str | None:
    """The formset prefix whose "Add another" button was pressed, if any."""
    return next((prefix for button, prefix in ADD_ROW_BUTTONS.items() if button in data), None)


def with_another_row(data: QueryDict, prefix: str) -> QueryDict:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(max(total, 0) + 1, MAX_ROWS))
    return data


class MeetingFormBundle:
    """The meeting form with its two formsets, validated in order and saved as one."""

    show_errors = True

    def __init__(self, data=None, *, meeting: Meeting | None = None, user=None):
        self.meeting = meeting or Meeting()
        creating = self.meeting.pk is None
        self.form = MeetingForm(data, instance=self.meeting)
        initial = [{"officer": user}] if creating and user is not None and user.is_officer else []
        self.disclosures = disclosure_formset(extra=2 if creating else 1)(
            data, instance=self.meeting, prefix="disclosures", initial=initial
        )
        self.follow_ups = follow_up_formset(extra=1)(
            data,
            instance=self.meeting,
            prefix="follow_ups",
            queryset=FollowUpAction.objects.filter(
                status=FollowUpAction.Status.OPEN
            ).select_related("owner", "owed_to"),
        )

    def without_errors(self) -> "MeetingFormBundle":
        """Redisplay what was typed with a new row, not yet judged: nothing was saved."""
        self.show_errors = False
        for form in [self.form, *self.disclosures.forms, *self.follow_ups.forms]:
            form.helper.form_show_errors = False
        return self

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        self.follow_ups.meeting_date = cleaned.get("date")
        self.follow_ups.meeting_groups = list(cleaned.get("groups") or [])
        disclosures_ok = self.disclosures.is_valid()
        follow_ups_ok = self.follow_ups.is_valid()
        return form_ok and disclosures_ok and follow_ups_ok

    @property
    def expected_version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    def parts(self) -> MeetingParts:
        disclosures = [
            {name: data[name] for name in ("officer", "level", "method", "timing", "reason")}
            for data in self._live(self.disclosures)
        ]
        follow_ups = [
            {
                **{n: data[n] for n in ("description", "owner", "owed_to", "due_date")},
                "instance": data.get("id"),
            }
            for data in self._live(self.follow_ups)
        ]
        return MeetingParts(
            fields=self.form.meeting_fields(),
            groups=list(self.form.cleaned_data["groups"]),
            disclosures=disclosures,
            follow_ups=follow_ups,
        )

    @staticmethod
    def _live(formset) -> list[dict]:
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    @property
    def correction_note(self) -> str:
        return self.form.cleaned_data.get("correction_note", "")

    def add_error(self, error: ValidationError) -> None:
        """A service's refusal, next to the field it names when the form has that field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.form.fields else None
                for message in errors:
                    self.form.add_error(field, message)
        else:
            for message in error.messages:
                self.form.add_error(None, message)

    def error_summary(self) -> list[tuple[str, str]]:
        """(link, message) for the GOV.UK error summary, in page order."""
        if not self.show_errors:
            return []
        entries = error_summary(self.form, non_field_anchor="#meeting-form")
        for formset in (self.disclosures, self.follow_ups):
            entries += [(f"#{formset.prefix}", error) for error in formset.non_form_errors()]
            for form in formset.forms:
                entries += error_summary(form, non_field_anchor=f"#{formset.prefix}")
        return entries


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is this meeting being withdrawn?",
        help_text="Kept with the meeting's history. " + POLICE_ONLY,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for withdrawing the meeting."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper(Field.textarea("reason", rows=3))
