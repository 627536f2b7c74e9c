"""Placeholder until the group pages land: every route answers 404."""

from django.http import Http404


def group_list(request):
    raise Http404


def group_detail(request, uuid):
    raise Http404
