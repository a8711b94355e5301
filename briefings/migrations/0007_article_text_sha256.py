from django.db import migrations, models

from briefings.models.articles import normalised_sha256


def fingerprint_articles(apps, schema_editor):
    Article = apps.get_model("briefings", "Article")
    for article in Article.objects.only("body").iterator():
        article.text_sha256 = normalised_sha256(article.body)
        article.save(update_fields=["text_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0006_actor_name_article_note_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="text_sha256",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fingerprint_articles, migrations.RunPython.noop),
    ]
