"""
API viewsets for the newsroom resources.

Each starts from the model's visibility rule (visible_to(user): public rows
for readers, everything for staff who may preview), loads what its
serializer shows in a fixed number of queries, and writes through the model's
validation and briefings.services — the same rules as the admin.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.encoding import iri_to_uri
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, pagination, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from briefings import editing, jsonld, services
from briefings.api import filters, formats, serializers
from briefings.api.conditional import ConditionalMixin, PreconditionFailed
from briefings.api.exchange import briefing_document, briefing_import, save_links
from briefings.api.parsers import StrictJSONParser
from briefings.api.permissions import ModelPermissions
from briefings.models import (
    Actor,
    Article,
    Briefing,
    BriefingArticle,
    BriefingClaim,
    Claim,
    Event,
    PendingChange,
    Source,
    can_preview,
)

# What a lookup may look like in a URL; anything else is a 404 before any query.
SLUG_PATTERN = "[-a-zA-Z0-9_]+"
ID_PATTERN = "[0-9]+"


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page (at most 100)."
    max_page_size = 100

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "How many results there are in all.",
            "next": "The next page, or null on the last page.",
            "previous": "The previous page, or null on the first page.",
            "results": "This page's results.",
        }
        for name, description in descriptions.items():
            response["properties"][name]["description"] = description
        response["description"] = "One page of results, with links to its neighbours."
        return response


class CursorPagination(pagination.CursorPagination):
    """
    Pages in id order that stay put while rows are added: each page is found
    from where the last one ended, with no count and no offset, so a deep page
    costs what the first does.
    """

    page_size = Pagination.page_size
    page_size_query_param = Pagination.page_size_query_param
    max_page_size = Pagination.max_page_size
    ordering = ("pk",)
    # DRF's NotFound for an unreadable cursor would say the list is missing.
    invalid_cursor = "This cursor is not one the API gave: follow a `next` or `previous` link."

    def get_ordering(self, request, queryset, view):
        if request.query_params.get("ordering"):
            raise exceptions.ValidationError(
                {"ordering": ["A list paged by cursor is in id order: leave out `ordering`."]}
            )
        return self.ordering

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
            valid = False
        else:
            position = cursor.position if cursor else None
            # An id, not one longer than the database's integers.
            valid = position is None or (position.isdigit() and len(position) < 19)
        if not valid:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor]})
        return cursor


class CursorOrPagePagination(Pagination):
    """
    Pages by number (`page`), or by cursor once the request has a `cursor`
    parameter, even an empty one for the first page: big lists can be read
    to the end without counting them or skipping ever more rows.
    """

    cursor_query_param = "cursor"
    cursor_query_description = (
        "Page by cursor instead of by number: send `cursor=` (empty) for the first page, "
        "then follow `next`. Results come in id order, without a `count`; a deep page costs "
        "what the first does. Cannot be combined with `page` or `ordering`."
    )

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param not in request.query_params:
            self.by_cursor = None
            return super().paginate_queryset(queryset, request, view)
        if self.page_query_param in request.query_params:
            raise exceptions.ValidationError(
                {"cursor": ["Page by `cursor` or by `page`, not both."]}
            )
        self.by_cursor = CursorPagination()
        return self.by_cursor.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.by_cursor is not None:
            return self.by_cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view):
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": self.cursor_query_description,
            "schema": {"type": "string"},
        }
        return [*super().get_schema_operation_parameters(view), cursor]

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["results"]
        response["properties"]["count"]["description"] += " Left out when paging by cursor."
        return response


class StableOrderingFilter(OrderingFilter):
    """Always end the ordering with the primary key, so pages never overlap or skip rows."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view) or []
        if "pk" not in ordering and "-pk" not in ordering:
            ordering = [*ordering, "pk"]
        return queryset.order_by(*ordering)


LD_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["jsonld", "json"],
    description="Response media type, instead of the Accept header: JSON-LD (default) or JSON.",
)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def jsonld_action(*, summary, description, responses):
    """
    A detail action that answers JSON-LD (or plain JSON with ?format=json),
    unpaginated and unfiltered, documented with the format parameter.
    """

    def decorate(method):
        method = action(
            detail=True,
            pagination_class=None,
            filter_backends=[],
            renderer_classes=[JSONLDRenderer, JSONRenderer],
        )(method)
        return extend_schema(
            summary=summary,
            description=description,
            responses=responses,
            parameters=[LD_FORMAT],
            filters=False,
        )(method)

    return decorate


def written_fields(instance, names):
    """
    Return the columns a save of the fields `names` writes: those, and the
    fields no client writes (version, updated_at, rendered HTML, digests),
    which save() derives. A derived field must be editable=False to be here.
    """
    derived = [
        field.name
        for field in instance._meta.concrete_fields
        if not field.editable and not field.primary_key
    ]
    return [*names, *derived]


class ResourceViewSet(ConditionalMixin, viewsets.ModelViewSet):
    """
    Base for the newsroom resources: read for everyone (public rows only),
    create and update with the model permissions. Deleting stays in the admin,
    where protected references are explained.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    # Writes that must name the version they change (check_if_match); the schema documents them.
    if_match_actions = ("update", "partial_update")
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    model = None

    def get_queryset(self):
        return self.with_related(self.model.objects.visible_to(self.request.user))

    def with_related(self, queryset):
        return queryset

    def save_kwargs(self, serializer, creating):
        """Extra model values to save with the serializer's."""
        return {}

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(serializers.field_errors(exc))
        elif isinstance(exc, services.StaleEdit):
            exc = PreconditionFailed(str(exc))
        return super().handle_exception(exc)

    def perform_create(self, serializer):
        with transaction.atomic():
            links = serializer.pop_links()
            instance = serializer.save(**self.save_kwargs(serializer, creating=True))
            if links:
                save_links(instance, serializer.Meta.links, links, by=self.request.user)
            self.after_save(instance, serializer)

    def update(self, request, *args, **kwargs):
        """
        PUT and PATCH: validate and write against the row as locked for the write,
        after If-Match has named its version, so concurrent writers queue up and
        the loser of a race gets 412 instead of overwriting.
        """
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        with transaction.atomic():
            instance = self.lock(instance)
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
            data = self.get_serializer(self.written(serializer.instance)).data
        # Accepted, not yet done: the change waits for a reviewer (see pending_change).
        pending = getattr(self, "edit", None) is not None and self.edit.is_pending
        return Response(data, status=status.HTTP_202_ACCEPTED if pending else status.HTTP_200_OK)

    def lock(self, instance):
        """Return the stored row of `instance`, locked until the transaction ends."""
        return self.model.objects.select_for_update().get(pk=instance.pk)

    def written(self, instance):
        """
        Read `instance` again after a write, still under the lock, so the
        response and its ETag show the version this write made.
        """
        instance = self.with_related(self.model.objects.filter(pk=instance.pk)).get()
        self.conditional_objects = [instance]
        return instance

    def perform_update(self, serializer):
        links = serializer.pop_links()
        data = {**serializer.validated_data, **self.save_kwargs(serializer, creating=False)}
        # One request, one version (none if nothing changed), dated after its links.
        services.history_defer(serializer.instance)
        serializer.instance = self.update_instance(serializer.instance, data, links)
        self.after_save(serializer.instance, serializer)
        services.history_write(obj=serializer.instance, by=self.request.user)

    def update_instance(self, instance, data, links):
        """
        Write validated `data` (model field → value) and `links` (as popped by
        the serializer) to `instance`, the locked row, and return it.

        Only the fields sent (and what the save derives from them) are written,
        so no value is put back from an older read. Override to route the write
        through a service.
        """
        for name, value in data.items():
            setattr(instance, name, value)
        instance.save(update_fields=written_fields(instance, data))
        if links:
            save_links(
                instance, self.get_serializer_class().Meta.links, links, by=self.request.user
            )
        return instance

    def after_save(self, instance, serializer):
        """Workflow steps that follow the save (status changes, re-anchoring)."""

    def absolute(self, path):
        """
        Return path as an absolute URL on the request's host, as
        build_absolute_uri does, with the scheme and host worked out once per
        request: a collection makes several URLs for each of its claims.
        """
        if not path.startswith("/") or path.startswith("//"):
            return self.request.build_absolute_uri(path)
        if not hasattr(self, "origin"):
            self.origin = self.request.build_absolute_uri("/").removesuffix("/")
        return self.origin + iri_to_uri(path)

    def jsonld_content_type(self):
        """Name the Web Annotation profile when the client took JSON-LD (not plain JSON)."""
        if isinstance(self.request.accepted_renderer, JSONLDRenderer):
            return formats.ANNOTATION_PROFILE
        return None


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the resource's current state."
    default_code = "conflict"


class DocumentTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The document is larger than this site imports."
    default_code = "document_too_large"


class ReviewedViewSet(ResourceViewSet):
    """
    Claims and briefings: every write goes through briefings.editing, so an
    editor's change to what readers see answers 202 and waits as the
    resource's `pending_change` until a reviewer approves or discards it.
    """

    if_match_actions = (*ResourceViewSet.if_match_actions, "approve", "discard")
    # Subclasses define save(obj, data, serializer): write through the model's
    # service (briefings.editing) and return its Edit.

    def with_related(self, queryset):
        if can_preview(self.request.user, self.model):
            queryset = queryset.select_related("pending_change")
        return queryset

    def editing_data(self, serializer):
        """The serializer's validated values as briefings.editing takes them."""
        data = dict(serializer.validated_data)
        data.pop("correction_reason", None)
        for name, editing_name in self.link_names.items():
            if name in data:
                data[editing_name] = data.pop(name)
        return data

    def perform_create(self, serializer):
        self.edit = self.save(self.model(), self.editing_data(serializer), serializer)
        serializer.instance = self.edit.obj

    def perform_update(self, serializer):
        self.edit = self.save(serializer.instance, self.editing_data(serializer), serializer)
        serializer.instance = self.edit.obj

    def pending_action(self, request, decide):
        obj = self.get_object()
        with transaction.atomic():
            obj = self.lock(obj)
            self.check_if_match(obj)
            change = PendingChange.objects.filter(**{self.model._meta.model_name: obj}).first()
            if change is None:
                raise Conflict(f"This {self.model._meta.verbose_name} has no pending change.")
            decide(change)
            data = self.get_serializer(self.written(obj)).data
        return Response(data)

    @extend_schema(
        summary="Approve the pending change (reviewers only)",
        description="Writes the change an editor proposed. If readers saw what it changes, it "
        "is recorded as a public correction on each published briefing showing it, with "
        "`reason` (by default the editor's note, or a sentence naming what changed). "
        "409 when there is no pending change.",
        request=serializers.ApproveSerializer,
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, **kwargs):
        form = serializers.ApproveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reason = form.validated_data.get("reason", "")
        return self.pending_action(
            request,
            lambda change: editing.change_approve(change=change, by=request.user, reason=reason),
        )

    @extend_schema(
        summary="Discard the pending change (reviewers, or the editor who proposed it)",
        description="Readers never saw it; the approved version stays. 409 when there is none.",
        request=None,
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def discard(self, request, **kwargs):
        return self.pending_action(
            request, lambda change: editing.change_discard(change=change, by=request.user)
        )


class SourceViewSet(ResourceViewSet):
    """Outlets, releases, statements and documents that information comes from."""

    model = Source
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    ordering_fields = ["name", "slug", "published_date", "updated_at"]
    ordering = ["name"]

    def with_related(self, queryset):
        return queryset.select_related("publisher")


class ActorViewSet(ResourceViewSet):
    """People, government bodies, states and organisations who speak or are spoken about."""

    model = Actor
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    ordering_fields = ["name", "slug", "kind", "updated_at"]
    ordering = ["name"]

    def with_related(self, queryset):
        return queryset.select_related("country").prefetch_related(
            "aliases", "affiliations__organisation"
        )

    @extend_schema(
        summary="The actor as Popolo JSON",
        description="The actor, the organisations it is affiliated with and the memberships "
        "between them, with dates, in the Popolo export shape (persons, organizations, "
        "memberships). Identifiers carry the scheme `wikidata`.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Popolo JSON.")},
        filters=False,
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def popolo(self, request, slug=None):
        return Response(formats.popolo(self.get_object(), self.absolute))


class EventViewSet(ResourceViewSet):
    """Things that happen at a place over dates, which briefings and claims are about."""

    model = Event
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ["name", "slug", "start_date", "updated_at"]
    ordering = ["-start_date", "name"]

    def with_related(self, queryset):
        return queryset.select_related("country")


class ArticleViewSet(ResourceViewSet):
    """Curated texts; every claim points into an article's body."""

    model = Article
    serializer_class = serializers.ArticleSerializer
    filterset_class = filters.ArticleFilter
    pagination_class = CursorOrPagePagination
    ordering_fields = ["title", "slug", "published_at", "updated_at"]
    ordering = ["-published_at", "title"]

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ArticleSummarySerializer
        return super().get_serializer_class()

    def with_related(self, queryset):
        queryset = queryset.select_related("source")
        # A list leaves the bodies out (see ArticleSummarySerializer).
        return queryset.defer("body") if self.action == "list" else queryset

    def perform_update(self, serializer):
        # A new body moves every claim with its quote (or names those it cannot move).
        self.new_body = serializer.validated_data.pop("body", None)
        super().perform_update(serializer)

    def after_save(self, instance, serializer):
        new_body = getattr(self, "new_body", None)
        if new_body is not None and new_body != instance.body:
            services.article_update_body(article=instance, body=new_body, orphan=False)

    @jsonld_action(
        summary="The article's claims as a W3C Web Annotation collection",
        description="An AnnotationCollection whose first page holds every claim visible to "
        "you as an Annotation (see the claim `annotation` endpoint).",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="AnnotationCollection.")},
    )
    def annotations(self, request, slug=None):
        article = self.get_object()
        claims = Claim.objects.visible_to(request.user).filter(article=article)
        # An annotation shows the claim's attribution, not whom it is about,
        # its evidence or briefings.
        claims = claims.for_display(request.user).prefetch_related(None)
        claims = list(claims.defer("article__body"))
        for claim in claims:
            claim.article = article
        collection = formats.annotation_collection(article, claims, self.absolute)
        return Response(collection, content_type=self.jsonld_content_type())


class ClaimViewSet(ReviewedViewSet):
    """Statements anchored in articles, with their attribution chain and verdict."""

    model = Claim
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    pagination_class = CursorOrPagePagination
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    if_match_actions = (*ReviewedViewSet.if_match_actions, "review")
    ordering_fields = ["said_date", "start", "verdict", "updated_at", "article__published_at"]
    ordering = ["article__published_at", "article_id", "start"]
    link_names = {"evidence_links": "evidence"}

    def with_related(self, queryset):
        return super().with_related(queryset).for_display(self.request.user).defer("article__body")

    def save(self, obj, data, serializer):
        return editing.claim_save(
            claim=obj,
            data=data,
            by=self.request.user,
            reason=serializer.validated_data.get("correction_reason", ""),
        )

    @extend_schema(
        summary="Mark the claim reviewed (reviewers only)",
        description="Sets the claim's review state; a briefing can only be published once its "
        "key claims are reviewed.",
        request=serializers.ClaimReviewStateSerializer,
        responses={200: serializers.ClaimSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        claim = self.get_object()
        state = serializers.ClaimReviewStateSerializer(data=request.data)
        state.is_valid(raise_exception=True)
        # A review vouches for the claim as the reviewer read it: If-Match is required.
        with transaction.atomic():
            claim = self.lock(claim)
            self.check_if_match(claim)
            editing.claim_review(
                claim=claim, by=request.user, status=state.validated_data["status"]
            )
            data = self.get_serializer(self.written(claim)).data
        return Response(data)

    @jsonld_action(
        summary="The claim as a W3C Web Annotation",
        description="JSON-LD with `@context` http://www.w3.org/ns/anno.jsonld. The target "
        "carries a TextQuoteSelector (quote with prefix and suffix) and, unless the claim is "
        "orphaned, a TextPositionSelector whose offsets count Unicode code points.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Web Annotation.")},
    )
    def annotation(self, request, pk=None):
        return Response(
            formats.annotation(self.get_object(), self.absolute),
            content_type=self.jsonld_content_type(),
        )

    @jsonld_action(
        summary="The claim's verdict as schema.org ClaimReview",
        description="JSON-LD for a judged claim; 404 while its verdict is `unverified`.",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="ClaimReview JSON-LD."),
            404: OpenApiResponse(description="No such claim, or not judged yet."),
        },
    )
    def claimreview(self, request, pk=None):
        review = jsonld.claim_review(self.get_object(), self.absolute)
        if review is None:
            raise exceptions.NotFound("This claim has not been judged yet.")
        return Response(review)


# Briefing fields that steer the workflow rather than being stored.
WORKFLOW_FIELDS = ("status", "publish_despite_open_comments")


class BriefingViewSet(ReviewedViewSet):
    """The public product: briefings with their ordered key claims."""

    model = Briefing
    serializer_class = serializers.BriefingSerializer
    filterset_class = filters.BriefingFilter
    ordering_fields = ["published_at", "title", "slug", "updated_at"]
    ordering = ["-published_at", "-created_at"]

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.BriefingSummarySerializer
        return super().get_serializer_class()

    def with_related(self, queryset):
        claim_links = BriefingClaim.objects.filter(
            claim__in=Claim.objects.visible_to(self.request.user)
        )
        queryset = queryset.select_related("event").prefetch_related("actors")
        if self.action == "list":
            # Summaries count and link the key claims and articles (see BriefingSummarySerializer).
            return queryset.defer("analysis", "analysis_html").prefetch_related(
                Prefetch("claim_links", queryset=claim_links.only("briefing", "claim")),
                Prefetch("article_links", queryset=BriefingArticle.objects.only("briefing")),
            )
        claim_links = claim_links.select_related(
            "claim__article", "claim__speaker", "claim__channel"
        ).defer("claim__article__body")
        return (
            super()
            .with_related(queryset)
            .prefetch_related(
                Prefetch("claim_links", queryset=claim_links),
                Prefetch(
                    "article_links",
                    queryset=BriefingArticle.objects.select_related("article").defer(
                        "article__body"
                    ),
                ),
                "authors",
            )
        )

    def last_modified(self, objects):
        """A briefing changes when a key claim it embeds changes (a summary only links them)."""
        if self.action == "list":
            return super().last_modified(objects)
        embedded = [link.claim for briefing in objects for link in briefing.claim_links.all()]
        return super().last_modified([*objects, *embedded])

    link_names = {"claim_links": "key_claims"}

    def save(self, obj, data, serializer):
        # New briefings start as drafts; a requested status is reached through the workflow.
        workflow = {name: data.pop(name, None) for name in WORKFLOW_FIELDS}
        return editing.briefing_save(
            briefing=obj,
            data=data,
            by=self.request.user,
            reason=serializer.validated_data.get("correction_reason", ""),
            status=workflow["status"],
            open_comments_ok=bool(workflow["publish_despite_open_comments"]),
        )

    @extend_schema(
        summary="The briefing and everything it references, as one document",
        description="Articles with all their claims, actors (with aliases and affiliations), "
        "sources, events and statements, each named by slug (claims by "
        "`<article slug>@<start>-<end>`). POST it to `/api/v1/briefings/import/` on another "
        "site. Editors' internal notes are included for staff only.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Exchange document.")},
        filters=False,
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def export(self, request, slug=None):
        briefing = self.get_object()
        document = briefing_document(briefing, user=request.user)
        return Response(document)

    @extend_schema(
        summary="Import a briefing document exported by another site",
        description="Creates the briefing and whatever it references that this site lacks "
        "(objects whose slug exists here are reused as they are), all or nothing. Errors name "
        "the place in the document, e.g. `claims[3].quote`. Publishing or archiving on import "
        "needs a reviewer. A document holds at most IMPORT_MAX_CLAIMS claims (10,000 by "
        "default; more is a 400) and IMPORT_MAX_BYTES bytes (20 MiB; more is a 413).",
        request=OpenApiTypes.OBJECT,
        responses={201: serializers.BriefingSerializer},
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="import", filter_backends=[])
    def import_document(self, request):
        size = request.headers.get("Content-Length") or ""
        if size.isdigit() and int(size) > settings.IMPORT_MAX_BYTES:
            raise DocumentTooLarge(
                f"The document is {int(size)} bytes; an import takes at most "
                f"{settings.IMPORT_MAX_BYTES} (the site's IMPORT_MAX_BYTES)."
            )
        for model in (Briefing, Article, Claim, Actor, Source, Event):
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
                raise exceptions.PermissionDenied(
                    f"Importing needs permission to add {opts.verbose_name_plural}."
                )
        # Not request.data: Django reads that only up to DATA_UPLOAD_MAX_MEMORY_SIZE
        # (2.5 MB), and a document may be as large as IMPORT_MAX_BYTES (checked above).
        document = StrictJSONParser().parse(io.BytesIO(request.read()))
        briefing = briefing_import(document=document, by=request.user)
        briefing = self.with_related(Briefing.objects.filter(pk=briefing.pk)).get()
        return Response(self.get_serializer(briefing).data, status=status.HTTP_201_CREATED)
