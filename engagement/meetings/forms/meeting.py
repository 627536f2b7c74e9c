"""The meeting form: the meeting, its officers' disclosures and its follow-ups, as one.

A draft needs only its date and a group, so an interrupted officer can park their work;
on submit every rule of rules.py applies, each message next to its field.
"""

from functools import cache, cached_property
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict

from engagement.accounts.models import User
from engagement.accounts.queries import officers
from engagement.community.models import Area, CommunityGroup
from engagement.community.queries import groups_visible_to
from engagement.gds import (
    inner_form_helper,
    number_input,
    radios_without_blank,
    with_character_count,
    yes_no_field,
)
from engagement.govuk_html import GOVUK_FORM_RENDERER, GovukLayoutForm, Select, SharedOptions
from engagement.meetings import rules
from engagement.meetings.forms.group_picker import (
    CONFIRM_GROUPS_ERROR,
    CONFIRM_GROUPS_LABEL,
    OTHER_AREA_WARNING,
    GroupPicker,
    PickerArea,
    group_warnings,
    picker_areas,
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
from engagement.meetings.services.meeting import (
    DISCLOSURE_FIELDS,
    FOLLOW_UP_FIELDS,
    MEETING_FIELDS,
)


def _layout_order(form: forms.BaseForm, helper: FormHelper) -> None:
    """Fields in the order the page shows them, so the error summary follows the page."""
    form.order_fields([pointer.name for pointer in helper.layout.get_field_names()])


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class MeetingForm(GovukLayoutForm, forms.ModelForm):
    concern_topics = forms.MultipleChoiceField(
        label="Topics of concern the community raised",
        help_text="Select all that apply. " + SEEN_BY_LIAISONS,
        choices=Meeting.ConcernTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    concerns_needing_response = forms.MultipleChoiceField(
        label="Which of these concerns need a response from the police?",
        help_text="Tick those the community asked the police to answer. Each one needs a "
        "follow-up action below that answers it before the meeting can be submitted. "
        + SEEN_BY_LIAISONS,
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
    confirm_groups = forms.BooleanField(label=CONFIRM_GROUPS_LABEL, required=False)
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
        # Only what a draft needs; what a submitted meeting needs is rules.SUBMIT_REQUIRED.
        error_messages = {
            "date": {"required": "Enter the date of the meeting."},
            "groups": {"required": rules.NO_GROUP_ERROR},
        }

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        instance: Meeting,
        user: User,
        submitting: bool = False,
        initial: dict | None = None,
    ):
        super().__init__(data, instance=instance, initial=initial)
        # Submitting, or saving a meeting already submitted: every rule applies.
        self.submitting = submitting
        self.group_warnings: list[str] = []
        # The groups saved with the meeting, as the ModelForm has just read them.
        self.saved_group_ids = [group.pk for group in self.initial.get("groups", [])]
        # In the error summary, the confirmation is about the groups.
        self.fields["confirm_groups"].summary_label = self.fields["groups"].label  # type: ignore[attr-defined]
        area = _model_choice(self, "area")
        area.queryset = Area.objects.order_by("name")
        area.empty_label = "Choose an area"
        # Every group the officer may see, by area (the picker lists them under their
        # area's name); an inactive group stays choosable on a meeting that has it.
        _model_choice(self, "groups").queryset = (
            groups_visible_to(user)
            .filter(Q(active=True) | Q(pk__in=self.saved_group_ids))
            .select_related("area")
            .order_by("area__name", "name")
        )
        radios_without_blank(self, "venue_kind", "initiated_by", "focus")
        kind = _choice(self, "passed_on_kind")
        kind.choices = [("", "Choose what kind"), *Meeting.PassedOnKind.choices]
        for name in ("passed_on", "responsible_adult_present", "community_told_passed_on"):
            self.fields[name] = yes_no_field(Meeting._meta.get_field(name), required=False)
        self.fields["under_25_count"].required = False
        self.fields["under_18_count"].required = False
        if instance.pk:
            self.initial["concern_topics"] = instance.concern_topics
            self.initial["concerns_needing_response"] = instance.concerns_needing_response
            self.initial["version"] = instance.version
        self.helper = inner_form_helper(
            Fieldset(
                Field.text("date"),
                Field.text("start_time"),
                Field.text("duration_minutes"),
                Field.radios("venue_kind", small=True),
                Field.select("area"),
                GroupPicker("groups"),
                Field("confirm_groups", template="meetings/meeting_form/confirm_groups.html"),
                Field.radios("initiated_by", small=True),
                Field.radios("focus", small=True),
                with_character_count(self, "purpose"),
                with_character_count(self, "topics"),
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
                with_character_count(self, "information_shared"),
                with_character_count(self, "concerns_raised"),
                Field.checkboxes("concern_topics", small=True),
                Field.checkboxes("concerns_needing_response", small=True),
                with_character_count(self, "summary"),
                legend="What was said",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("passed_on", small=True, inline=True),
                Field.select("passed_on_kind"),
                with_character_count(self, "passed_on_reason"),
                Field.radios("community_told_passed_on", small=True, inline=True),
                legend="Passed on to other police systems",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                with_character_count(self, "internal_notes"),
                legend="Police only",
                legend_size=Size.MEDIUM,
            ),
            "version",
        )
        if instance.status == Meeting.Status.DISPUTED:
            self.helper.layout.insert(
                0,
                Fieldset(
                    with_character_count(self, "correction_note"),
                    legend="Your correction",
                    legend_size=Size.MEDIUM,
                ),
            )
        else:
            del self.fields["correction_note"]
        _layout_order(self, self.helper)

    # The picker's script words its warning as the server does.
    other_area_warning = OTHER_AREA_WARNING

    @cached_property
    def group_picker(self) -> list[PickerArea]:
        groups = _model_choice(self, "groups").queryset
        assert groups is not None
        return picker_areas(
            groups,
            checked=self["groups"].value() or [],
            saved=self.saved_group_ids,
            name=self["groups"].html_name,
        )

    def clean_under_25_count(self):
        return self.cleaned_data.get("under_25_count") or 0

    def clean_under_18_count(self):
        return self.cleaned_data.get("under_18_count") or 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        try:
            rules.check_concerns_needing_response(
                cleaned.get("concerns_needing_response") or [],
                cleaned.get("concern_topics") or [],
            )
        except ValidationError as error:
            self.add_error("concerns_needing_response", error)
        if self.submitting:
            for name, message in rules.missing_for_submit(cleaned).items():
                if name not in self.errors:  # already told: not a valid value
                    self.add_error(name, message)
        self._check_groups(cleaned)
        return cleaned

    def _check_groups(self, cleaned: dict) -> None:
        """Warn before saving: a group that declined CT engagement, or from another area.

        Asked once: groups already saved with the meeting were confirmed when they were.
        """
        groups = cleaned.get("groups")
        if not groups:
            return
        warnings = group_warnings(groups, day=cleaned.get("date"), area=cleaned.get("area"))
        if self.instance.pk:
            saved = self.instance.groups.select_related("area")
            already = group_warnings(saved, day=self.instance.date, area=self.instance.area)
            warnings = [warning for warning in warnings if warning not in already]
        self.group_warnings = warnings
        if warnings and not cleaned.get("confirm_groups"):
            self.add_error("confirm_groups", CONFIRM_GROUPS_ERROR)

    def meeting_fields(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name in MEETING_FIELDS}
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


class SharedChoiceField(forms.ModelChoiceField):
    """A select that every row of the form shows (RowChoices): a posted value is looked
    up among the options the page offered, read once for all the rows, instead of
    queried again; a value not among them is checked as Django does."""

    widget = Select
    shared_options: SharedOptions | None = None

    def to_python(self, value):
        if self.shared_options is not None and value not in self.empty_values:
            found = self.shared_options.by_key.get(str(value))
            if found is not None:
                return found
        return super().to_python(value)


class RowChoices:
    """The officers and groups the rows' selects offer, read once for all the rows.

    Every disclosure row offers the officers, and every follow-up row the officers and
    the groups: each list is read once a page and shared by the rows. MeetingFormBundle
    makes one for each request, so a page always offers what there is now.
    """

    def __init__(self) -> None:
        self.querysets = {
            "officers": officers(),
            "groups": CommunityGroup.objects.filter(active=True).order_by("name"),
        }
        self.read: dict[str, list] = {}
        self.options: dict[tuple, SharedOptions] = {}

    def offer(self, field: forms.ModelChoiceField, kind: str, *, empty_label: str) -> None:
        """Let `field` offer the officers or the groups, as every row does."""
        assert isinstance(field, SharedChoiceField)
        field.queryset = self.querysets[kind]
        field.empty_label = empty_label
        key = (kind, type(field), empty_label)  # the options' labels depend on all three
        if key not in self.options:
            if kind not in self.read:
                self.read[kind] = list(self.querysets[kind])
            self.options[key] = SharedOptions(field, self.read[kind])
        field.choices = field.shared_options = self.options[key]


class OfficerChoiceField(SharedChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.officer_profile.collar_number})"


class RowForm(GovukLayoutForm, forms.ModelForm):
    """A row of the form: a disclosure or a follow-up."""

    def _get_validation_exclusions(self):
        # A shared choice is one of the records this page read (SharedChoiceField): the
        # model's own check that it exists would ask the database again, once a row.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]
        exclusions.update(
            name for name, field in self.fields.items() if isinstance(field, SharedChoiceField)
        )
        return exclusions


class DisclosureForm(RowForm):
    class Meta:
        model = Disclosure
        fields = ["officer", *DISCLOSURE_FIELDS]
        field_classes = {"officer": OfficerChoiceField}
        labels = {"officer": "Officer"}
        help_texts = {"officer": SEEN_BY_LIAISONS}
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"officer": {"required": "Choose the officer."}}

    def __init__(self, *args, choices: RowChoices, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        choices.offer(_model_choice(self, "officer"), "officers", empty_label="Choose an officer")
        self.helper = inner_form_helper(
            Field.select("officer"),
            Field.radios("level", small=True),
            Field.radios("method", small=True),
            Field.radios("timing", small=True, inline=True),
            with_character_count(self, "reason"),
        )

    def has_changed(self) -> bool:
        """Whether this row is an officer at the meeting (then every answer is needed).

        A blank row is not. The first row offers the signed-in officer: a draft may leave
        it as offered, but on submit an officer chosen is an officer who attended.
        """
        typed = ("officer", *DISCLOSURE_FIELDS)  # not the hidden meeting the formset adds
        if not any(self.data.get(self.add_prefix(name)) for name in typed):
            return False
        return self.submitting or super().has_changed()


class FollowUpForm(RowForm):
    class Meta:
        model = FollowUpAction
        fields = list(FOLLOW_UP_FIELDS)
        field_classes = {"owner": SharedChoiceField, "owed_to": SharedChoiceField}
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

    def __init__(self, *args, choices: RowChoices, **kwargs):
        super().__init__(*args, **kwargs)
        choices.offer(_model_choice(self, "owner"), "officers", empty_label="Choose an officer")
        choices.offer(_model_choice(self, "owed_to"), "groups", empty_label="Choose a group")
        self.helper = inner_form_helper(
            with_character_count(self, "description"),
            Field.select("owner"),
            Field.select("owed_to"),
            Field.select("answers_concern"),
            Field.text("due_date"),
        )


REMOVE_OFFICER_LABEL = "Remove this officer from the meeting"
# The concern a follow-up answers, when it was one that needed a response.
ANSWERS_CONCERN_CHOICES = [
    ("", "None: not a concern that needed a response"),
    *Meeting.ConcernTopic.choices,
]


class BaseDisclosureFormSet(forms.BaseInlineFormSet):
    submitting = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The formset adds the box to remove a saved officer after the form is made.
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = REMOVE_OFFICER_LABEL
            form.helper.layout.append(Field.checkbox("DELETE", small=True))

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
                    form.add_error("officer", rules.SAME_OFFICER_ERROR)
                seen.add(officer)
        # A draft may not have its officers yet.
        if live == 0 and self.submitting:
            raise ValidationError(rules.NO_OFFICER_ERROR)


class BaseFollowUpFormSet(forms.BaseInlineFormSet):
    submitting = False
    meeting_date = None
    meeting_groups: list = []
    concerns_needing_response: list[str] = []

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            try:
                rules.check_due_date(data.get("due_date"), self.meeting_date)
            except ValidationError as error:
                form.add_error("due_date", error)
            try:
                rules.check_owed_to(data.get("owed_to"), self.meeting_groups)
            except ValidationError as error:
                form.add_error("owed_to", error)
            concern = data.get("answers_concern")
            if self.submitting and concern and concern not in self.concerns_needing_response:
                form.add_error("answers_concern", rules.ANSWERS_CONCERN_NOT_NEEDED_ERROR)


# Made once for each number of blank rows: making a formset class builds its form class.
@cache
def disclosure_formset(extra: int):
    # No minimum: a draft may have no officer yet; on submit clean() asks for one.
    formset = forms.inlineformset_factory(
        Meeting,
        Disclosure,
        form=DisclosureForm,
        formset=BaseDisclosureFormSet,
        extra=extra,
        min_num=0,
        can_delete=True,
        can_delete_extra=False,
        renderer=GOVUK_FORM_RENDERER,
    )
    # The factory makes a form class of its own: its radios are set up once, here.
    radios_without_blank(formset.form, "level", "method", "timing")
    return formset


@cache
def follow_up_formset(extra: int):
    formset = forms.inlineformset_factory(
        Meeting,
        FollowUpAction,
        form=FollowUpForm,
        formset=BaseFollowUpFormSet,
        extra=extra,
        can_delete=False,
        renderer=GOVUK_FORM_RENDERER,
    )
    # The factory makes a form class of its own: its choices are set once, here.
    answers = formset.form.base_fields["answers_concern"]
    assert isinstance(answers, forms.ChoiceField)
    answers.choices = ANSWERS_CONCERN_CHOICES
    return formset


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
