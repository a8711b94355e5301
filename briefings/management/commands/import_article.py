from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from briefings.article_files import ArticleFileError, article_import, read_article_file
from briefings.models import Source
from briefings.suggestions import suggestions_find


class Command(BaseCommand):
    help = (
        "Create an article from a .txt file (first line the title, or a header block of "
        "'Title:', 'URL:', 'Source:', 'Published:' lines and a blank line), an .html page "
        "(its main text) or a .json object (title, url, source, published_at, body)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source",
            metavar="SLUG",
            help="The stored source it came from, if the file names none.",
        )

    def handle(self, *args, path, source, **options):
        if source is not None:
            try:
                source = Source.objects.get(slug=source)
            except Source.DoesNotExist:
                raise CommandError(f"No source has the slug {source!r}.") from None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
        try:
            article = article_import(document=read_article_file(str(path), data), source=source)
        except ArticleFileError as error:
            raise CommandError(str(error)) from None
        found = suggestions_find(article=article)
        self.stdout.write(
            f"Imported “{article.title}” ({len(article.body):,} characters) from "
            f"{article.source} as the article {article.slug!r}, with {len(found)} suggested "
            "claims to confirm in its workspace."
        )
