"""Nothing typed is lost when the session expires: the POST is kept across the login."""

from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.utils import timezone

from portal.middleware import RESCUE_KEY, signed_in_user_id


class TypedContentRescueMixin:
    """Put before the login-required mixin. An anonymous POST (the session expired while the
    user typed) is stored in the new session and restored, unsaved, after login."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            # Kept only for the person whose session ended here, and given back only to them
            # (attack round 33: the next person to sign in on a shared computer got it, and
            # text posted by someone never signed in was offered as "what you wrote").
            owner = signed_in_user_id(request)
            if owner is not None:
                data = request.POST.copy()
                data.pop("csrfmiddlewaretoken", None)
                request.session[RESCUE_KEY] = {
                    "path": request.path,
                    "data": dict(data.lists()),
                    "at": timezone.now().isoformat(),
                    "user": owner,
                }
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def pop_rescued_post(self) -> QueryDict | None:
        stash = self.request.session.get(RESCUE_KEY)
        if not stash or stash.get("path") != self.request.path:
            return None
        del self.request.session[RESCUE_KEY]
        if stash.get("user") != self.request.user.pk:
            return None  # someone else's words: gone, not shown
        data = QueryDict(mutable=True)
        for key, values in stash["data"].items():
            data.setlist(key, values)
        return data
