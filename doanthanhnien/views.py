from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import extensions, selectors, services
from .filters import PageForm, UnitForm, UnitPageForm
from .forms import AccountCreateForm, AccountSearchForm
from .models import Unit, User
from .roles import manageable_roles, may_manage_account
from .scoping import Perm, scoped


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def home(request):
    user = request.user
    # The programme's own widgets: what to do this year, the KPI, the review backlog. They
    # come first: the year they show ("day") decides which unions below are listed.
    panels = extensions.home_panels(user=user, params=request.GET)
    context = {}
    if user.unit_id:
        # The unions below as they are in the year shown, retired ones only on request.
        context = selectors.unit_page(
            unit=user.unit,
            user=user,
            day=panels.get("day"),
            retired=UnitPageForm(request.GET).values()["retired"],
        )
    context.update(panels)
    return render(request, "doanthanhnien/home.html", context)


@login_required
@require_GET
def unit_detail(request, pk):
    unit = get_object_or_404(scoped(request.user, Unit.objects.select_related("parent")), pk=pk)
    # The programme's part: the year picker and, above grassroots level, the unit's KPI.
    panels = extensions.unit_panels(user=request.user, unit=unit, params=request.GET)
    context = selectors.unit_page(
        unit=unit,
        user=request.user,
        day=panels.get("day"),
        retired=UnitPageForm(request.GET).values()["retired"],
    )
    context.update(panels)
    return render(request, "doanthanhnien/unit_detail.html", context)


@login_required
@require_GET
def account_list(request):
    form = AccountSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    accounts = selectors.accounts_visible(user=request.user, search=search)
    page_number = PageForm(request.GET).values()["page"]
    page = Paginator(accounts, 50).get_page(page_number)
    return render(request, "doanthanhnien/account_list.html", {"form": form, "page": page})


@login_required
def account_create(request):
    if not manageable_roles(request.user):
        raise PermissionDenied
    initial = {}
    if unit_id := UnitForm(request.GET).values()["unit"]:
        initial["unit"] = unit_id
    form = AccountCreateForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            user = services.account_create(actor=request.user, unit=unit, request=request, **data)
        except ValidationError as error:
            # A concurrent request took the username or the address after the form's check.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Account %(username)s created. A link to set the password was sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("accounts:list")
    return render(request, "doanthanhnien/account_form.html", {"form": form})


def _managed_account(request, pk) -> User:
    """The account, if it lies in the user's part of the tree (else 404); 403 unless the user
    may manage accounts of its role there (see roles.ACCOUNT_RULES)."""
    account = get_object_or_404(
        scoped(request.user, User.objects.select_related("unit"), Perm.MANAGE), pk=pk
    )
    if not may_manage_account(request.user, account):
        raise PermissionDenied
    return account


@login_required
@require_POST
def account_set_active(request, pk):
    account = _managed_account(request, pk)
    active = request.POST.get("active") == "1"
    services.account_set_active(actor=request.user, user=account, active=active)
    if active:
        messages.success(request, _("Account %(username)s reactivated.") % {"username": account})
    else:
        messages.success(request, _("Account %(username)s deactivated.") % {"username": account})
    return redirect("accounts:list")


@login_required
@require_POST
def account_send_link(request, pk):
    account = _managed_account(request, pk)
    if services.account_send_link(actor=request.user, user=account, request=request):
        messages.success(
            request,
            _("A link to set a new password was sent to %(email)s.") % {"email": account.email},
        )
    else:
        messages.error(
            request, _("This account has no e-mail address: add one in the admin first.")
        )
    return redirect("accounts:list")
