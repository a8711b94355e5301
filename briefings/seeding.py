"""
Read a human-written seed file (see seeds/astana.yaml) for the exchange loader.

A seed file is a briefing document (briefings.api.exchange: the same sections
and field names) with three conveniences for editors, resolved here:

- an article may give `body_file`, a text file beside the seed file, instead
  of its `body`;
- claims may leave out `article` when the file has a single article, and
  their offsets: the loader finds the quote (with `prefix`/`suffix` as
  context where it occurs more than once);
- block scalars (`|`) end with a newline, which rationales, ledes and analyses
  do not keep.
"""

from pathlib import Path

import yaml

STRIPPED = {"claims": ["rationale"], "briefing": ["lede", "analysis"]}


class SeedYAMLLoader(yaml.SafeLoader):
    """
    Safe YAML that keeps dates as text, as JSON has them: the document loader
    then checks each one and names its entry and field, where PyYAML would
    stop the whole file at an impossible date such as 2024-13-45.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class SeedError(Exception):
    """A problem with a seed file as a whole, or with one entry of it."""


def read_seed_file(path):
    """Return the document of the seed file at path, conveniences resolved."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SeedYAMLLoader)
    except OSError as error:
        raise SeedError(f"cannot read the file: {error.strerror}") from None
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an explicit !!timestamp
        raise SeedError(f"not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SeedError("the file must hold a mapping of sections")
    articles = data.get("articles")
    for n, article in enumerate(articles if isinstance(articles, list) else []):
        if isinstance(article, dict) and "body_file" in article:
            body_path = path.parent / str(article.pop("body_file"))
            try:
                article["body"] = body_path.read_text(encoding="utf-8")
            except OSError as error:
                raise SeedError(
                    f"articles[{n}] ({article.get('slug')}): cannot read body_file {body_path}: "
                    f"{error.strerror}"
                ) from None
    if isinstance(articles, list) and len(articles) == 1 and isinstance(articles[0], dict):
        for claim in data.get("claims") or []:
            if isinstance(claim, dict):
                claim.setdefault("article", articles[0].get("slug"))
    for section, names in STRIPPED.items():
        items = data.get(section) or []
        for item in items if isinstance(items, list) else [items]:
            for name in names:
                if isinstance(item, dict) and isinstance(item.get(name), str):
                    item[name] = item[name].strip()
    return data
