"""
Articles from files: .txt, .html and .json read exactly, copies refused, bad
files named with their problem and nothing stored.
"""

import json
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from briefings.article_files import ArticleFileError, article_import, read_article_file
from briefings.models import Article, Source
from briefings.models.articles import normalised_sha256
from tests import factories

BODY = (
    "“The leaders will discuss cooperation,” the Kremlin stated in a release.\n"
    "Песков сказал, что встреча «важна». 习近平说：“合作很重要。” قال المتحدث إن القمة مهمة 👩‍👩‍👧"
)

PAGE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>Leaders meet in Astana | Example News</title>
<meta property="og:title" content="Leaders meet in Astana">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example/astana">
<meta property="article:published_time" content="2024-07-03T09:15:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> Subscribe now!</nav>
<article><h1>Leaders meet in Astana</h1>
<p>Russian President Vladimir Putin and China\xe2\x80\x99s Xi Jinping met on Wednesday at a summit
in Astana, the Kremlin said, in the first of several meetings planned for the day.</p>
<p>\xe2\x80\x9cThe leaders will discuss the current state of cooperation,\xe2\x80\x9d the Kremlin
stated in a release published on the eve of the summit.</p>
</article><footer>Cookie policy. All rights reserved.</footer></body></html>"""


def text_file(body=BODY, header="Title: Leaders meet\nSource: Example News\n"):
    return f"{header}\n{body}\n".encode()


class ReadingTests(TestCase):
    def test_first_line_is_the_title(self):
        document = read_article_file("a.txt", f"Leaders meet\n{BODY}\n".encode())
        self.assertEqual(document.title, "Leaders meet")
        self.assertEqual(document.body, BODY)

    def test_header_block_gives_title_url_source_and_date(self):
        header = (
            "Title: Leaders meet\nURL: https://example.com/a\nSource: Example News\n"
            "Published: 2024-07-03T09:15:00+05:00\n"
        )
        document = read_article_file("a.txt", text_file(header=header))
        self.assertEqual(
            (document.title, document.url, document.source, document.body),
            ("Leaders meet", "https://example.com/a", "Example News", BODY),
        )
        self.assertEqual(document.published_at.isoformat(), "2024-07-03T09:15:00+05:00")

    def test_windows_line_ends_and_byte_order_mark_are_read(self):
        data = "\ufeffLeaders meet\r\nLine one.\r\nLine two.\r\n".encode()
        self.assertEqual(read_article_file("a.txt", data).body, "Line one.\nLine two.")

    def test_html_keeps_the_main_text_and_its_paragraphs(self):
        document = read_article_file("page.html", PAGE)
        self.assertEqual(document.title, "Leaders meet in Astana")
        self.assertEqual(document.url, "https://news.example/astana")
        self.assertEqual(document.source, "Example News")
        self.assertEqual(document.published_at.date().isoformat(), "2024-07-03")
        paragraphs = document.body.split("\n")
        self.assertEqual(len(paragraphs), 2)
        self.assertTrue(paragraphs[0].startswith("Russian President Vladimir Putin"))
        self.assertTrue(paragraphs[1].startswith("“The leaders will discuss"))
        for boilerplate in ("Subscribe", "Cookie policy", "Home"):
            self.assertNotIn(boilerplate, document.body)

    def test_json_object(self):
        data = json.dumps(
            {
                "title": "Leaders meet",
                "url": "https://example.com/a",
                "source": "Example News",
                "published_at": "2024-07-03",
                "body": BODY,
            }
        ).encode()
        document = read_article_file("a.json", data)
        self.assertEqual((document.title, document.body), ("Leaders meet", BODY))
        self.assertEqual(document.published_at.isoformat(), "2024-07-03T00:00:00+00:00")

    def test_bad_files_are_named_with_their_problem(self):
        cases = {
            ("a.pdf", b"%PDF"): "a.pdf: unsupported file type",
            ("a.txt", b"Title\n\xff\xfe body"): "a.txt: not UTF-8 text (byte 6",
            ("a.txt", b"Only a title\n"): "a.txt: the article has no text.",
            ("a.txt", b"\n\n"): "a.txt: the article has no title.",
            ("a.txt", b"Title\nA NUL \x00 here"): "a.txt: body contains a NUL character.",
            ("a.txt", b"T" * 301 + b"\nBody"): "a.txt: title has 301 characters; the limit is 300.",
            ("a.txt", text_file(header="Title: T\nAuthor: Me\n")): "a.txt, line 2: 'Author: Me'",
            ("a.txt", b"Title: T\nSource: S"): "a.txt: the header block is not followed",
            ("a.txt", text_file(header="Title: T\nPublished: 2024-13-45\n")): (
                "a.txt: published date '2024-13-45' is not a date"
            ),
            ("a.json", b"{"): "a.json, line 1: not valid JSON",
            ("a.json", b"[]"): "a.json: expected a JSON object",
            ("a.json", b'{"title": "T", "body": "B", "tags": []}'): "a.json: unknown field 'tags'",
            ("a.json", b'{"title": "T", "body": ["B"]}'): "a.json: body must be a string, not list",
            ("a.html", b"<html><head><title>T</title></head><body></body></html>"): (
                "a.html: no article text could be found"
            ),
            ("a.txt", b"T\n" + b"x" * (5 * 1024 * 1024)): "a.txt: the file has 5,242,882 bytes",
        }
        for (name, data), message in cases.items():
            with self.subTest(message), self.assertRaisesMessage(ArticleFileError, message):
                read_article_file(name, data)


class ImportTests(TestCase):
    def test_import_stores_the_exact_text_its_hash_and_a_new_source(self):
        article = article_import(document=read_article_file("a.txt", text_file()))
        article.refresh_from_db()
        self.assertEqual(article.body, BODY)
        self.assertEqual(article.text_sha256, normalised_sha256(BODY))
        self.assertEqual(article.source.name, "Example News")
        self.assertEqual(article.slug, "leaders-meet")
        self.assertEqual(article.history.get().history_change_reason, "Imported from a.txt")

    def test_a_named_source_that_exists_is_reused(self):
        source = factories.SourceFactory(name="Example News")
        article = article_import(document=read_article_file("a.txt", text_file()))
        self.assertEqual(article.source, source)
        self.assertEqual(Source.objects.count(), 1)

    def test_a_copy_with_other_quotes_and_spacing_is_refused_naming_the_original(self):
        original = article_import(document=read_article_file("a.txt", text_file()))
        copy = BODY.replace("“", '"').replace("”", '"').replace(" ", "  ").replace("\n", "\n\n")
        document = read_article_file("b.txt", text_file(body=copy))
        message = f"b.txt: this text is already stored as the article “{original.title}”"
        with self.assertRaisesMessage(ArticleFileError, message):
            article_import(document=document)
        self.assertEqual(Article.objects.count(), 1)

    def test_a_file_without_a_source_needs_one_chosen(self):
        document = read_article_file("a.txt", f"Leaders meet\n{BODY}".encode())
        with self.assertRaisesMessage(ArticleFileError, "a.txt: the file names no source"):
            article_import(document=document)
        self.assertFalse(Article.objects.exists() or Source.objects.exists())
        source = factories.SourceFactory()
        self.assertEqual(article_import(document=document, source=source).source, source)

    def test_an_invalid_url_changes_nothing(self):
        header = "Title: Leaders meet\nSource: New Outlet\nURL: not a url\n"
        with self.assertRaisesMessage(ArticleFileError, "a.txt: url: Enter a valid URL."):
            article_import(document=read_article_file("a.txt", text_file(header=header)))
        self.assertFalse(Article.objects.exists() or Source.objects.exists())


class CommandTests(TestCase):
    def write(self, name, data):
        path = self.directory / name
        path.write_bytes(data)
        return path

    def setUp(self):
        import tempfile
        from pathlib import Path

        temporary = tempfile.TemporaryDirectory()
        self.addCleanup(temporary.cleanup)
        self.directory = Path(temporary.name)

    def test_imports_a_file_and_says_what_it_made(self):
        out = StringIO()
        call_command("import_article", self.write("a.html", PAGE), stdout=out)
        self.assertIn("Imported “Leaders meet in Astana”", out.getvalue())
        self.assertIn("from Example News as the article 'leaders-meet-in-astana'", out.getvalue())

    def test_errors_name_the_file_and_change_nothing(self):
        path = self.write("a.json", b'{"title": 1}')
        with self.assertRaisesMessage(CommandError, f"{path}: title must be a string, not int."):
            call_command("import_article", path)
        with self.assertRaisesMessage(CommandError, "missing.txt: cannot be read"):
            call_command("import_article", self.directory / "missing.txt")
        with self.assertRaisesMessage(CommandError, "No source has the slug 'nope'."):
            call_command("import_article", self.write("a.txt", text_file()), source="nope")
        self.assertFalse(Article.objects.exists())

    def test_source_option_names_a_stored_source(self):
        source = factories.SourceFactory(slug="tass")
        path = self.write("a.txt", f"Leaders meet\n{BODY}".encode())
        call_command("import_article", path, source="tass", stdout=StringIO())
        self.assertEqual(Article.objects.get().source, source)


class AdminUploadTests(TestCase):
    url = reverse("admin:briefings_article_import_file")

    def upload(self, name, data, **fields):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, data), **fields})

    def test_editor_imports_a_file_and_lands_in_its_workspace(self):
        editor = factories.editor()
        self.client.force_login(editor)
        self.assertContains(
            self.client.get(reverse("admin:briefings_article_changelist")), self.url
        )
        response = self.upload("a.txt", text_file())
        article = Article.objects.get()
        self.assertRedirects(
            response,
            reverse("admin:briefings_article_change", args=[article.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(article.history.get().history_user, editor)

    def test_chosen_source_wins_over_the_files(self):
        self.client.force_login(factories.reviewer())
        source = factories.SourceFactory()
        self.upload("a.txt", text_file(), source=source.pk)
        self.assertEqual(Article.objects.get().source, source)

    def test_a_bad_file_is_shown_with_its_problem_and_nothing_is_stored(self):
        self.client.force_login(factories.editor())
        response = self.upload("a.json", b'{"title": "T"}')
        self.assertContains(response, "Nothing was imported.")
        self.assertContains(response, "a.json: the article has no text.")
        self.assertFalse(Article.objects.exists())

    def test_a_copy_links_to_the_stored_article(self):
        self.client.force_login(factories.editor())
        self.upload("a.txt", text_file())
        original = Article.objects.get()
        response = self.upload("b.txt", text_file())
        self.assertContains(response, "this text is already stored as the article")
        self.assertContains(response, reverse("admin:briefings_article_change", args=[original.pk]))
        self.assertEqual(Article.objects.count(), 1)

    def test_staff_without_the_add_permission_are_refused(self):
        self.client.force_login(factories.UserFactory(is_staff=True))
        self.assertEqual(self.upload("a.txt", text_file()).status_code, 403)
        self.assertFalse(Article.objects.exists())

    def test_anonymous_users_are_sent_to_log_in(self):
        response = self.upload("a.txt", text_file())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response.url)
        self.assertFalse(Article.objects.exists())
