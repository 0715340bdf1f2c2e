"""Changing annotations: tag, relabel (and the linked copies, R), delete, resize, cycle,
undo and redo, and an article's progress.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from newsmark.annotations.desk import progress
from newsmark.annotations.linking.links import (
    cluster_of,
)
from newsmark.annotations.spans import store, textnav
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import one_line
from newsmark.tui.screens.reader.base import ReaderBase


class EditsPart(ReaderBase):
    """Changes annotations through the store and shows the result; no state of its own."""

    def action_tag(self, label: str) -> None:
        article = self.article
        if article is None:
            return
        reader = self.reader
        start, end = reader.selection_offsets
        if end > start:
            span = textnav.snap_inward(article.text, start, end)
            if span is None:
                self.say("The selection is only spaces: nothing to tag.")
                return
            annotator = self.newsmark.config.annotator
            # Each annotator tags in their own layer: the same passage tagged by another
            # is theirs, and tagging it too is what agreement counts.
            same = next(
                (
                    a
                    for a in reader.spans.overlapping(*span)
                    if (a.start, a.end, a.label, a.annotator)
                    == (span[0], span[1], label, annotator)
                ),
                None,
            )
            if same is not None:
                reader.visual = False
                reader.move_to_offset(same.start)
                self.current_uuid = same.uuid
                self.say(f"You tagged {one_line(label, 40)} here already: nothing changed.")
                return
            ann = self._guard(
                lambda: store.create_annotation(
                    self.db, article.id, span[0], span[1], label, annotator
                )
            )
            if isinstance(ann, Annotation):
                reader.visual = False
                reader.move_to_offset(ann.start)
                self._reload_annotations(current=ann.uuid, changed=ann.uuid)
            return
        current = self.current_annotation()
        if current is None:
            self.say("Select a span first (v, shift+arrows or the mouse), then press a label key.")
            return
        if current.label != label:
            self._guard(lambda: store.relabel(self.db, current.uuid, label))
            self._reload_annotations(current=current.uuid, changed=current.uuid)
            others = self._copies_labelled_otherwise(current.uuid, label)
            if others:
                here = sum(a.article_id == current.article_id for a in others)
                where = (
                    "in this article"
                    if here == len(others)
                    else "in other articles"
                    if not here
                    else f"({here} in this article)"
                )
                self.say(
                    f"Relabelled {one_line(label, 40)}. {len(others)} linked"
                    f" cop{'ies' if len(others) > 1 else 'y'} {where}"
                    f" {'are' if len(others) > 1 else 'is'} not: press R to relabel"
                    f" {'them' if len(others) > 1 else 'it'} too."
                )

    def _copies_labelled_otherwise(self, uuid: str, label: str) -> list[Annotation]:
        """The annotations joined to ``uuid`` by accepted links whose label differs."""
        found = [store.get_annotation(self.db, u) for u in cluster_of(self.db, uuid) - {uuid}]
        return [a for a in found if a is not None and a.label != label]

    def action_relabel_copies(self) -> None:
        """Give the current annotation's label to its linked copies, in one transaction and
        one undo step (``u`` here, or in any article it touched)."""
        current = self.current_annotation()
        if current is None:
            self.say("No annotation under the cursor.")
            return
        others = self._copies_labelled_otherwise(current.uuid, current.label)
        if not others:
            self.say("Its linked copies already have its label (or it has none).")
            return
        article_id = current.article_id
        uuids = [o.uuid for o in others]
        label = current.label
        if self._guard(lambda: store.relabel_all(self.db, uuids, label, article_id)) is None:
            return
        if any(o.article_id == article_id for o in others):
            self._reload_annotations(current=current.uuid)  # copies here: read them all
        copies = f"{len(others)} linked cop{'ies' if len(others) > 1 else 'y'}"
        self.say(f"Relabelled {copies} as {one_line(current.label, 40)}. Press u to undo.")
        self._links_updated()

    def action_delete_annotation(self) -> None:
        current = self.current_annotation()
        if current is None:
            self.say("No annotation under the cursor.")
            return
        if self._guard(lambda: store.delete_annotation(self.db, current.uuid)) is not None:
            self.set_reactive(ReaderBase.current_uuid, None)
            self._reload_annotations(changed=current.uuid)
            self.say(f"Deleted {one_line(current.label, 40)}. Press u to undo.")

    def action_cycle_annotation(self) -> None:
        under = self._under_cursor()
        if len(under) < 2:
            return
        uuids = [a.uuid for a in under]
        index = uuids.index(self.current_uuid) if self.current_uuid in uuids else -1
        self.current_uuid = uuids[(index + 1) % len(uuids)]

    def action_toggle_done(self) -> None:
        """Done, or back to in progress."""
        article_id = self._target_article()
        if article_id is None:
            return
        current = progress.state_of(self.db, article_id)
        wanted = progress.IN_PROGRESS if current == progress.DONE else progress.DONE
        annotator = self.newsmark.config.annotator
        if self._guard(lambda: progress.set_state(self.db, article_id, wanted, annotator)):
            self.article_list.update_state(article_id, wanted)
            self.say(f"Article marked {progress.SHOWN[wanted]}.")

    def action_resize(self, edge: str, direction: int) -> None:
        current = self.current_annotation()
        if current is None or self.article is None:
            self.say("No annotation under the cursor to resize.")
            return
        text = self.article.text
        start, end = current.start, current.end
        if edge == "end":
            end = textnav.word_end(text, end) if direction > 0 else textnav.prev_word_end(text, end)
        else:
            start = (
                textnav.next_word_start(text, start)
                if direction > 0
                else textnav.prev_word_start(text, start)
            )
        if not (0 <= start < end <= len(text)):
            self.say("The annotation cannot shrink any further.")
            return
        if (start, end) == (current.start, current.end):
            return
        if self._guard(lambda: store.resize(self.db, current.uuid, start, end)):
            offset = self.reader.cursor_offset
            if not start <= offset < end:
                self.reader.move_to_offset(start if edge == "start" else end - 1)
            self._reload_annotations(current=current.uuid, changed=current.uuid)

    def action_undo(self) -> None:
        self._history(store.undo, "Undid", "Nothing to undo.")

    def action_redo(self) -> None:
        self._history(store.redo, "Redid", "Nothing to redo.")

    def _history(
        self,
        step: Callable[[sqlite_utils.Database, int], store.Change | None],
        verb: str,
        empty: str,
    ) -> None:
        if self.article is None:
            return
        article_id = self.article.id
        change = self._guard(lambda: step(self.db, article_id))
        if not isinstance(change, store.Change):
            self.say(empty)
            return
        ann = change.annotation
        if change.count > 1:  # a batch (R): its copies may be in other articles
            if ann.article_id == article_id:
                self.reader.move_to_offset(ann.start, center=True)
                self._reload_annotations(current=ann.uuid)
            self._links_updated()
            self.say(f"{verb} {change.action} of {change.count} linked copies.")
            return
        self.reader.move_to_offset(ann.start, center=True)
        present = store.get_annotation(self.db, ann.uuid) is not None
        if not present:
            self.set_reactive(ReaderBase.current_uuid, None)
        self._reload_annotations(current=ann.uuid if present else None, changed=ann.uuid)
        self.say(f"{verb} {change.action} of {one_line(ann.label, 40)}.")
