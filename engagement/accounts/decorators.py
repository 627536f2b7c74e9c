from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from engagement.accounts.models import Role


def role_required(*roles: Role):
    """Signed in, and holding one of `roles`; anyone else gets a 404, as for a hidden record."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
