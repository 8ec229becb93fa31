"""The shipped clinic site: its pages, glossary and catalogs, and that it passes its gates."""
