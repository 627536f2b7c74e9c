"""Placeholder until the review pages land: every route answers 404."""

from django.http import Http404


def review_create(request, uuid):
    raise Http404


def escalated_list(request):
    raise Http404


def dispute_escalate(request, uuid):
    raise Http404
