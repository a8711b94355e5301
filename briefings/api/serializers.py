"""
Serializers for the newsroom resources.

Related objects are written by their slug (or id for claims) and read as
small embedded objects (RefField), so a consumer needs no second call. Every
write is validated by the model itself (full_clean: fields, clean(), database
constraints), exactly as in the admin.
"""

import copy
import inspect
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from briefings import anchoring
from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Briefing,
    BriefingClaim,
    Claim,
    ClaimEvidence,
    Event,
    PendingChange,
    ReviewStatus,
    Source,
    Statement,
    can_preview,
)
from briefings.reversing import MARKER, PLAIN, reverse_one
from briefings.validators import ReservedSlugValidator

# Descriptions for fields whose model gives none, shared by every resource so
# the same name always means the same thing in the schema.
GLOSSARY = {
    "id": "Numeric identifier.",
    "slug": "Stable identifier used in URLs.",
    "api_url": "This resource in the API.",
    "page_url": "The public page for this resource (404 while it is not published).",
    "name": "Name as usually written.",
    "title": "Title.",
    "kind": "What sort of thing it is.",
    "description": "Free-text description.",
    "url": "Address of the original on the web.",
    "version": "Rises on every change; the number in the ETag that If-Match checks.",
    "created_at": "When it was created.",
    "updated_at": "When it last changed.",
    "published_at": "When it was published.",
    "published_date": "Publication date.",
    "retrieved_at": "When the text was retrieved from the outlet.",
    "date_text": "The date as the sources give it when no exact date is known.",
    "start_date": "First day; empty when unknown.",
    "end_date": "Last day; empty when ongoing or unknown.",
    "country": "The state it belongs to or takes place in (a state actor, by slug).",
    "publisher": "Who issued it (an actor, by slug).",
    "source": "Where it was published (a source, by slug).",
    "language": "Language of the text (BCP 47 tag).",
    "byline": "Author line as printed.",
    "body": "The canonical plain text that claim offsets point into.",
    "body_sha256": "SHA-256 of the body: exactly the text that was annotated.",
    "annotations_url": "The claims on this article as a W3C Web Annotation collection.",
    "wikidata_qid": "Wikidata item id (Q…).",
    "wikidata_url": "The actor's Wikidata page.",
    "aliases": "Other names the actor goes by in text, in any script.",
    "affiliations": "Offices held, memberships and parent bodies, with dates.",
    "organisation": "The actor the affiliation is with.",
    "role": "The office or role, in words.",
    "quote": "The exact text of the claim: body[start:end] of its article.",
    "start": "Offset of the first character in the article body, in Unicode code points. "
    "Optional on create: the quote alone is found in the body when it occurs once; "
    "`start` alone picks one of several occurrences.",
    "end": "Offset just past the last character, in Unicode code points "
    "(optional on create, see `start`).",
    "prefix": "Text just before the quote (computed from the body when left empty); "
    "on create without offsets, picks the occurrence it precedes.",
    "suffix": "Text just after the quote (computed from the body when left empty); "
    "on create without offsets, picks the occurrence it follows.",
    "article": "The article the claim is anchored in (by slug when writing).",
    "speaker": "Who the claim is attributed to (by slug); empty for the article's own assertion.",
    "speaker_role": "Id of the speaker's affiliation at the time, where known.",
    "attribution_kind": "How the article attributes the claim.",
    "attribution_text": "The attribution chain in words, e.g. “According to the Kremlin”.",
    "cue": "The reporting verb or phrase in the text: stated, labeled, according to…",
    "quote_type": "Direct, indirect, mixed, or none for the article's own assertion.",
    "channel": "The source it was said through, e.g. a release (by slug).",
    "claim_type": "Factual, opinion, prediction, announcement…",
    "about": "Actors the claim is about (slugs when writing).",
    "event": "The event it is about (by slug).",
    "statement": "Id of the statement this claim reports; links appearances in other articles.",
    "said_date": "When it was said.",
    "said_date_text": "When it was said, as the text gives it.",
    "verdict": "The editors' assessment.",
    "rationale": "Why the verdict (Markdown).",
    "rationale_html": "The rationale rendered to sanitised HTML.",
    "evidence": "Sources the verdict relies on, with a note each.",
    "note": "What this source shows.",
    "editor_note": "Internal note for editors; only staff see it.",
    "review_status": "Whether a reviewer has checked the claim (set through the review action).",
    "reviewed_at": "When it was last reviewed.",
    "briefings": "Published briefings that feature the claim (all of them, for staff).",
    "lede": "One or two sentences: the gist.",
    "analysis": "Analysis text (Markdown).",
    "analysis_html": "The analysis rendered to sanitised HTML.",
    "status": "Workflow status; changing it follows the workflow (only reviewers publish).",
    "articles": "Articles the briefing draws on, in order (slugs when writing).",
    "key_claims": "Key claims in the editors' order, each with an optional comment.",
    "claim": "The claim (its id when writing).",
    "position": "Place in the order, from 0.",
    "comment": "Editor's comment shown with the key claim.",
    "actors": "Actors the briefing covers (slugs when writing).",
    "key_claim_count": "How many key claims the briefing has (those visible to you).",
    "article_count": "How many articles the briefing draws on.",
    "key_claim_urls": "The key claims in the editors' order, as links to them in the API.",
    "authors": "Staff credited as authors (user names).",
    "corrections": "Changes made after publication, with the public reason.",
    "reason": "Why it was changed, as shown to readers.",
    "changed_fields": "Which fields the correction changed.",
}


class DescribedMixin:
    """Fill each field's schema description from the glossary when the model gives none."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not getattr(field, "help_text", None) and name in GLOSSARY:
                field.help_text = GLOSSARY[name]
        return fields


# Reading --------------------------------------------------------------------

# A field left out of the representation (DRF's SkipField).
SKIPPED = object()


def generic_reader(field):
    """Return a function reading `field` of an object as DRF's Serializer.to_representation does."""

    def read(obj):
        try:
            value = field.get_attribute(obj)
        except SkipField:
            return SKIPPED
        check = value.pk if isinstance(value, PKOnlyObject) else value
        return None if check is None else field.to_representation(value)

    return read


def is_plain_attribute(model, name):
    """Whether `name` is a model field, forward relation or property: read with getattr alone."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return isinstance(inspect.getattr_static(model, name, None), property | cached_property)
    return field.concrete and not field.many_to_many


def field_reader(field, model):
    """
    Return a function reading `field` of an object: for a model field,
    forward relation or property, getattr and the field's to_representation,
    skipping DRF's generic attribute lookup (callables, mappings, dotted
    sources, defaults); for a list of related objects, the prefetched list
    where there is one, without making a related manager; for anything
    else, DRF's own way.
    """
    generic = generic_reader(field)
    convert = field.to_representation
    if field.source == "*":
        return convert
    if len(field.source_attrs) != 1:
        return generic
    name = field.source
    getter = type(field).get_attribute
    if getter not in (
        serializers.Field.get_attribute,
        serializers.RelatedField.get_attribute,
        serializers.ManyRelatedField.get_attribute,
    ):
        return generic  # the field reads its own way (LinkedRefsField)
    if getter is serializers.RelatedField.get_attribute and field.use_pk_only_optimization():
        return generic  # the id alone, not the related object
    if isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer):
        listed = getattr(field.parent.Meta, "prefetched_lists", {}).get(name)

        def read_many(obj):
            if listed is not None and listed in obj.__dict__:
                return convert(obj.__dict__[listed])
            prefetched = getattr(obj, "_prefetched_objects_cache", {})
            return convert(prefetched[name]) if name in prefetched else generic(obj)

        return read_many
    if not is_plain_attribute(model, name):
        return generic

    def read(obj):
        try:
            value = getattr(obj, name)
        except (AttributeError, ObjectDoesNotExist):
            return generic(obj)  # DRF's default, null or skip rules apply
        return None if value is None else convert(value)

    return read


class PlainReadMixin:
    """
    Represent an object with readers worked out once per serializer
    (field_reader) instead of DRF's attribute lookup for every field of
    every object: the output is the same, at a fraction of the cost on lists.

    Meta.prefetched_lists (relation → attribute) names lists a queryset
    prefetched with to_attr, read instead of the relation where present.
    """

    @cached_property
    def readers(self):
        model = self.Meta.model
        return [(field.field_name, field_reader(field, model)) for field in self._readable_fields]

    def to_representation(self, instance):
        data = {}
        for name, read in self.readers:
            value = read(instance)
            if value is not SKIPPED:
                data[name] = value
        return data


class DateTimeField(serializers.DateTimeField):
    """A date-time in the current time zone, looked up once per field rather than per value."""

    @cached_property
    def current_timezone(self):
        return super().default_timezone()

    def default_timezone(self):
        return self.current_timezone


class ModelSerializer(PlainReadMixin, DescribedMixin, serializers.ModelSerializer):
    """The base of the API's serializers: described fields, read fast."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


class RefField(serializers.SlugRelatedField):
    """A related object: its slug when writing, a small embedded object when reading."""

    def __init__(self, ref_serializer, slug_field="slug", **kwargs):
        self.ref_serializer = ref_serializer
        super().__init__(slug_field=slug_field, **kwargs)

    def to_representation(self, obj):
        return self.embedded.to_representation(obj)

    @cached_property
    def embedded(self):
        """One serializer for every object this field shows, built on first use, not per object."""
        return self.ref_serializer(context=self.context)

    def get_choices(self, cutoff=None):
        """The browsable API form's options, keyed by what is written: the slug, not the object."""
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.slug_field): self.display_value(item) for item in queryset}


class ClaimRefField(RefField):
    """A claim: its id when writing, a summary when reading."""

    def __init__(self, ref_serializer, **kwargs):
        super().__init__(ref_serializer, slug_field="pk", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


class LinkedRefsField(serializers.ManyRelatedField):
    """Related objects read through ordered link rows (prefetched), written as a list."""

    def __init__(self, link_name, target, **kwargs):
        self.link_name, self.target = link_name, target
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if instance.pk is None:
            return []
        return [getattr(link, self.target) for link in getattr(instance, self.link_name).all()]


class OptionalURLField(serializers.URLField):
    """A URL, or null where the model has an empty string."""

    def to_representation(self, value):
        return value or None


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.Field):
    """
    An absolute URL made from the object: its path joined to the request's
    scheme and host, which are worked out once per field rather than once per
    object (a path is ASCII already: reverse() quotes what needs it).
    Without a request, the path alone.
    """

    def __init__(self, source="*", **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    @cached_property
    def origin(self):
        request = self.context.get("request")
        return request.build_absolute_uri("/").removesuffix("/") if request else ""

    def to_representation(self, obj):
        path = self.path(obj)
        return None if path is None else self.origin + path

    def path(self, obj):
        raise NotImplementedError


class PageURLField(AbsoluteURLField):
    """The absolute URL of the object's public page."""

    def path(self, obj):
        return obj.get_absolute_url()


class LinkField(AbsoluteURLField):
    """
    The absolute URL of an API view taking the object's slug or id, as
    HyperlinkedIdentityField gives it, but reversed once per field with a
    marker in place of the value, which each object's value then replaces.
    """

    def __init__(self, view_name, lookup_field, **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        super().__init__(**kwargs)

    @cached_property
    def around_value(self):
        """The absolute URL before and after the value."""
        head, tail = reverse_one(self.view_name, MARKER).split(MARKER)
        return self.origin + head, tail

    def to_representation(self, obj):
        value = getattr(obj, self.lookup_field)
        if value is None or value == "":
            return None
        if not PLAIN.fullmatch(value := str(value)):
            return self.origin + reverse_one(self.view_name, value)  # reverse() quotes it
        head, tail = self.around_value
        return f"{head}{value}{tail}"


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
class LinksField(LinkField):
    """The absolute URLs of several objects, e.g. a briefing's key claims (source: their list)."""

    def to_representation(self, objects):
        return [super(LinksField, self).to_representation(obj) for obj in objects]


def link_to(view_name, lookup_field="slug"):
    return LinkField(f"api:{view_name}", lookup_field)


def field_errors(error):
    """Turn a Django ValidationError into DRF's {field: [messages]} shape."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ModelCleanSerializer(ModelSerializer):
    """
    A ModelSerializer whose writes the model validates as the admin's forms do.

    Link fields (Meta.links: field name → (related name, key field)) are lists
    of owned link rows; they are saved by the view after the object, through
    services.links_sync, so their history is recorded row by row.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        links = getattr(self.Meta, "links", {})
        instance = copy.copy(self.instance) if self.instance else model()
        written = set()
        for name, value in attrs.items():
            if name in links:
                continue
            setattr(instance, name, value)
            written.add(name)
        editable = {
            field.source
            for field in self.fields.values()
            if not field.read_only and field.source not in links
        }
        exclude = [
            field.name for field in model._meta.concrete_fields if field.name not in editable
        ]
        try:
            instance.full_clean(exclude=exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from None
        for name in links:
            if name in attrs:
                self._refuse_repeats(name, attrs[name], links[name][1])
        return attrs

    def _refuse_repeats(self, name, rows, key):
        seen = set()
        for row in rows:
            value = row[key] if isinstance(row, dict) else row
            if value in seen:
                raise serializers.ValidationError({name: f"{value} is listed more than once."})
            seen.add(value)

    def pop_links(self):
        """Remove the link lists from validated_data and return them."""
        links = getattr(self.Meta, "links", {})
        return {
            name: self.validated_data.pop(name) for name in links if name in self.validated_data
        }


def unique_slug(model, text):
    """
    A slug for a new model row made from text as the admin prefills it
    (slugify), with -2, -3… added while it is taken or reserved.
    """
    field = model._meta.get_field("slug")
    base = slugify(text)[: field.max_length - 4].strip("-") or model._meta.model_name
    taken = set(
        model.objects.filter(slug__startswith=base).values_list("slug", flat=True).iterator()
    )
    taken.update(
        word
        for validator in field.validators
        if isinstance(validator, ReservedSlugValidator)
        for word in validator.words
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base[: field.max_length - len(str(number)) - 1].strip('-')}-{number}"
    return slug


class SlugFromMixin(serializers.Serializer):
    """Created without a slug, the object takes one made from Meta.slug_from (its title or name)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["slug"].required = False
        fields["slug"].help_text = (
            f"{GLOSSARY['slug']} Made from the {self.Meta.slug_from} when left out on create "
            "(-2, -3… added if taken)."
        )
        return fields

    def validate(self, attrs):
        if self.instance is None and not attrs.get("slug"):
            attrs = {**attrs, "slug": unique_slug(self.Meta.model, attrs[self.Meta.slug_from])}
        return super().validate(attrs)


# Embedded references ---------------------------------------------------------


class ActorRefSerializer(ModelSerializer):
    """An actor, embedded."""

    api_url = link_to("actor-detail")

    class Meta:
        model = Actor
        fields = ["slug", "name", "kind", "api_url"]


class SourceRefSerializer(ModelSerializer):
    """A source, embedded."""

    api_url = link_to("source-detail")

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "url", "api_url"]


class EventRefSerializer(ModelSerializer):
    """An event, embedded."""

    api_url = link_to("event-detail")

    class Meta:
        model = Event
        fields = ["slug", "name", "start_date", "end_date", "api_url"]


class ArticleRefSerializer(ModelSerializer):
    """An article, embedded."""

    api_url = link_to("article-detail")
    page_url = PageURLField()

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "api_url", "page_url"]


class BriefingRefSerializer(ModelSerializer):
    """A briefing, embedded."""

    api_url = link_to("briefing-detail")
    page_url = PageURLField()

    class Meta:
        model = Briefing
        fields = ["slug", "title", "status", "published_at", "api_url", "page_url"]


class ClaimSummarySerializer(ModelSerializer):
    """A claim as embedded in a briefing: enough to show it with its attribution."""

    api_url = link_to("claim-detail", lookup_field="pk")
    page_url = PageURLField()
    article = RefField(ArticleRefSerializer, read_only=True)
    speaker = RefField(ActorRefSerializer, read_only=True, allow_null=True)
    channel = RefField(SourceRefSerializer, read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "api_url",
            "page_url",
            "quote",
            "article",
            "speaker",
            "attribution_kind",
            "cue",
            "quote_type",
            "channel",
            "claim_type",
            "verdict",
        ]


# Resources -------------------------------------------------------------------


class SourceSerializer(SlugFromMixin, ModelCleanSerializer):
    """Where information comes from: an outlet, an official release, a statement, a document…"""

    api_url = link_to("source-detail")
    page_url = PageURLField()
    publisher = RefField(
        ActorRefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Source
        slug_from = "name"
        fields = [
            "slug",
            "api_url",
            "page_url",
            "name",
            "kind",
            "publisher",
            "url",
            "published_date",
            "date_text",
            "description",
            "version",
            "created_at",
            "updated_at",
        ]


class ActorAliasSerializer(ModelSerializer):
    """Another name an actor goes by in text."""

    class Meta:
        model = ActorAlias
        fields = ["name", "language"]


class AffiliationSerializer(ModelSerializer):
    """An actor's tie to another over a period: office held, membership, part-of."""

    organisation = RefField(ActorRefSerializer, read_only=True)

    class Meta:
        model = Affiliation
        fields = ["id", "organisation", "kind", "role", "start_date", "end_date"]


class ActorSerializer(SlugFromMixin, ModelCleanSerializer):
    """Anyone who can say something or be its subject: a person, body, state or organisation."""

    api_url = link_to("actor-detail")
    page_url = PageURLField()
    country = RefField(
        ActorRefSerializer,
        queryset=Actor.objects.filter(kind="state"),
        allow_null=True,
        required=False,
    )
    aliases = ActorAliasSerializer(many=True, required=False)
    affiliations = AffiliationSerializer(many=True, read_only=True)
    wikidata_url = OptionalURLField(read_only=True, allow_null=True)

    class Meta:
        model = Actor
        slug_from = "name"
        fields = [
            "slug",
            "api_url",
            "page_url",
            "name",
            "name_article",
            "kind",
            "title",
            "country",
            "wikidata_qid",
            "wikidata_url",
            "description",
            "aliases",
            "affiliations",
            "version",
            "created_at",
            "updated_at",
        ]
        links = {"aliases": ("aliases", "name")}


class EventSerializer(SlugFromMixin, ModelCleanSerializer):
    """Something that happens at a place over dates."""

    api_url = link_to("event-detail")
    page_url = PageURLField()
    country = RefField(
        ActorRefSerializer,
        queryset=Actor.objects.filter(kind="state"),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Event
        slug_from = "name"
        fields = [
            "slug",
            "api_url",
            "page_url",
            "name",
            "kind",
            "start_date",
            "end_date",
            "date_text",
            "location",
            "country",
            "description",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"location": {"help_text": "Where it takes place."}}


class ArticleSerializer(SlugFromMixin, ModelCleanSerializer):
    """A curated text; its body is what claim offsets point into."""

    api_url = link_to("article-detail")
    page_url = PageURLField()
    annotations_url = link_to("article-annotations")
    source = RefField(SourceRefSerializer, queryset=Source.objects.all())

    class Meta:
        model = Article
        slug_from = "title"
        fields = [
            "id",
            "slug",
            "api_url",
            "page_url",
            "annotations_url",
            "title",
            "source",
            "url",
            "byline",
            "published_at",
            "retrieved_at",
            "language",
            "body",
            "body_sha256",
            "version",
            "created_at",
            "updated_at",
        ]


class ArticleSummarySerializer(ArticleSerializer):
    """An article in a list: everything but its body, which the article's own resource has."""

    class Meta(ArticleSerializer.Meta):
        fields = [name for name in ArticleSerializer.Meta.fields if name != "body"]


class ClaimEvidenceSerializer(ModelSerializer):
    """A source the verdict relies on."""

    source = RefField(SourceRefSerializer, queryset=Source.objects.all())

    class Meta:
        model = ClaimEvidence
        fields = ["source", "note"]


class ApproveSerializer(serializers.Serializer):
    """A reviewer's approval of a pending change."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The correction's reason, for readers, where they saw what changes.",
    )


class PendingChangeSerializer(ModelSerializer):
    """An editor's change to what readers see, waiting for a reviewer."""

    created_by = serializers.SlugRelatedField(read_only=True, slug_field="username")

    class Meta:
        model = PendingChange
        fields = ["data", "note", "created_by", "created_at", "updated_at"]


class ReviewedSerializerMixin(serializers.Serializer):
    """
    Claims and briefings: the representation is what readers see (the approved
    version); staff also get the change waiting for review, and may give a
    correction's reason with a write.
    """

    pending_change = serializers.SerializerMethodField(
        help_text="For staff: the change waiting for a reviewer, or null."
    )
    correction_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Needed when a reviewer changes what readers already saw: shown to them as "
        "the correction's reason.",
    )

    @extend_schema_field(PendingChangeSerializer(allow_null=True))
    def get_pending_change(self, obj):
        change = getattr(obj, "pending_change", None)
        return PendingChangeSerializer(change).data if change else None

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # Internal review state is for staff only; the schema (no request user) documents it.
        if request is not None and not can_preview(request.user, self.Meta.model):
            fields.pop("pending_change")
        return fields


class ClaimSerializer(ReviewedSerializerMixin, ModelCleanSerializer):
    """
    A statement in an article, anchored to body[start:end], with its attribution chain and verdict.
    """

    api_url = link_to("claim-detail", lookup_field="pk")
    page_url = PageURLField()
    article = RefField(ArticleRefSerializer, queryset=Article.objects.all())
    speaker = RefField(
        ActorRefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False
    )
    speaker_role = serializers.PrimaryKeyRelatedField(
        queryset=Affiliation.objects.all(), allow_null=True, required=False
    )
    channel = RefField(
        SourceRefSerializer, queryset=Source.objects.all(), allow_null=True, required=False
    )
    about = RefField(ActorRefSerializer, queryset=Actor.objects.all(), many=True, required=False)
    event = RefField(
        EventRefSerializer, queryset=Event.objects.all(), allow_null=True, required=False
    )
    statement = serializers.PrimaryKeyRelatedField(
        queryset=Statement.objects.all(), allow_null=True, required=False
    )
    evidence = ClaimEvidenceSerializer(many=True, source="evidence_links", required=False)
    briefings = BriefingRefSerializer(many=True, read_only=True)
    attribution_text = serializers.CharField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "api_url",
            "page_url",
            "article",
            "quote",
            "start",
            "end",
            "prefix",
            "suffix",
            "speaker",
            "speaker_role",
            "attribution_kind",
            "cue",
            "quote_type",
            "channel",
            "attribution_text",
            "claim_type",
            "about",
            "event",
            "statement",
            "said_date",
            "said_date_text",
            "verdict",
            "rationale",
            "rationale_html",
            "evidence",
            "editor_note",
            "review_status",
            "reviewed_at",
            "briefings",
            "pending_change",
            "correction_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["review_status", "reviewed_at"]
        # The context is text exactly as it stands around the quote, spaces included.
        extra_kwargs = {
            "prefix": {"trim_whitespace": False},
            "suffix": {"trim_whitespace": False},
        }
        links = {"about": ("actor_links", "actor"), "evidence_links": ("evidence_links", "source")}
        # Relation → the list Claim.objects.for_display() loads it into, read where present.
        prefetched_lists = {
            "about": "about_list",
            "evidence_links": "evidence_list",
            "briefings": "briefing_list",
        }

    def validate(self, attrs):
        if self.instance is None and attrs.get("end") is None:
            attrs = self._placed(attrs)
        return super().validate(attrs)

    def _placed(self, attrs):
        """A new claim sent without its end offset is placed by finding its quote."""
        article, quote = attrs.get("article"), attrs.get("quote")
        if article is None or not quote:
            return attrs
        try:
            span = anchoring.place(
                article.body,
                quote,
                start=attrs.get("start"),
                prefix=attrs.get("prefix", ""),
                suffix=attrs.get("suffix", ""),
            )
        except anchoring.QuoteNotPlaced as error:
            detail = {"quote": [str(error)]}
            if error.occurrences:
                detail["occurrences"] = [
                    {
                        "start": span.start,
                        "end": span.end,
                        "prefix": span.prefix,
                        "suffix": span.suffix,
                    }
                    for span in error.occurrences
                ]
            raise serializers.ValidationError(detail) from None
        return {
            **attrs,
            "start": span.start,
            "end": span.end,
            "prefix": span.prefix,
            "suffix": span.suffix,
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # The internal note is for staff only; the schema (no request user) documents it.
        if request is not None and not can_preview(request.user, Claim):
            fields.pop("editor_note")
        return fields


class ClaimReviewStateSerializer(serializers.Serializer):
    """The review state to give a claim."""

    status = serializers.ChoiceField(
        choices=ReviewStatus.choices,
        default=ReviewStatus.REVIEWED,
        help_text="The review state to set; `reviewed` unless given.",
    )


class BriefingClaimSerializer(ModelSerializer):
    """A key claim of a briefing, in the editors' order."""

    claim = ClaimRefField(ClaimSummarySerializer, queryset=Claim.objects.all())

    class Meta:
        model = BriefingClaim
        fields = ["position", "claim", "comment"]
        read_only_fields = ["position"]


class BriefingSerializer(SlugFromMixin, ReviewedSerializerMixin, ModelCleanSerializer):
    """A short, sourced account of what happened and who claimed what."""

    api_url = link_to("briefing-detail")
    page_url = PageURLField()
    event = RefField(
        EventRefSerializer, queryset=Event.objects.all(), allow_null=True, required=False
    )
    articles = LinkedRefsField(
        link_name="article_links",
        target="article",
        child_relation=RefField(ArticleRefSerializer, queryset=Article.objects.all()),
        required=False,
    )
    key_claims = BriefingClaimSerializer(many=True, source="claim_links", required=False)
    actors = RefField(ActorRefSerializer, queryset=Actor.objects.all(), many=True, required=False)
    authors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="username")
    status = serializers.ChoiceField(
        choices=Briefing._meta.get_field("status").choices,
        required=False,
        help_text=GLOSSARY["status"],
    )
    publish_despite_open_comments = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Publishing is refused while comments on key claims are open, unless true.",
    )

    class Meta:
        model = Briefing
        slug_from = "title"
        fields = [
            "slug",
            "api_url",
            "page_url",
            "title",
            "lede",
            "analysis",
            "analysis_html",
            "status",
            "published_at",
            "event",
            "articles",
            "key_claims",
            "actors",
            "authors",
            "pending_change",
            "correction_reason",
            "publish_despite_open_comments",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["published_at"]
        links = {
            "articles": ("article_links", "article"),
            "claim_links": ("claim_links", "claim"),
            "actors": ("actor_links", "actor"),
        }

    def validate(self, attrs):
        # The status moves through services.briefing_set_status after saving, not here.
        status = attrs.pop("status", None)
        attrs = super().validate(attrs)
        if status is not None:
            attrs["status"] = status
        return attrs


class BriefingSummarySerializer(ModelSerializer):
    """
    A briefing in a list: what it is about, how much it holds and where to
    read it. Its key claims are linked, not embedded: the briefing's own
    resource has them in full.
    """

    api_url = link_to("briefing-detail")
    page_url = PageURLField()
    event = RefField(EventRefSerializer, read_only=True, allow_null=True)
    actors = RefField(ActorRefSerializer, many=True, read_only=True)
    key_claim_count = serializers.IntegerField(source="claim_links.count", read_only=True)
    article_count = serializers.IntegerField(source="article_links.count", read_only=True)
    key_claim_urls = LinksField("api:claim-detail", "claim_id", source="claim_links.all")

    class Meta:
        model = Briefing
        fields = [
            "slug",
            "api_url",
            "page_url",
            "title",
            "lede",
            "status",
            "published_at",
            "event",
            "actors",
            "key_claim_count",
            "article_count",
            "key_claim_urls",
            "version",
            "created_at",
            "updated_at",
        ]
