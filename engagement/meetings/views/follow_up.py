"""Placeholder until the follow-up pages land: every route answers 404."""

from django.http import Http404


def follow_up_list(request):
    raise Http404


def follow_up_detail(request, uuid):
    raise Http404


def report_back_confirm(request, uuid):
    raise Http404


def follow_up_transition(request, uuid, transition):
    raise Http404
