"""The routine builder's files: Save, the saved routines, Load, Write handout, downloads.

A plain object holding its widgets, as :mod:`._stretch_picker` and :mod:`._dose_editor`
are: it does the file work and says in words what it did; the builder wires its
buttons, shows what was said, and swaps in a loaded routine.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..routine import Routine
from ..routine_file import file_stem, free_path_for
from ._builder_markup import download_links_html

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd

    from ..guidance import Profile


class RoutineFiles:
    """Routine files in one folder, and the handouts written from them.

    Parameters
    ----------
    folder : str or Path, optional
        Where routines are saved and loaded, and handouts written (created on the
        first save). When ``None``, routines go in the current folder and handouts
        in the default handouts folder (:func:`backstretch_kit.handout.write_handouts`).
    """

    def __init__(self, folder: str | Path | None) -> None:
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.handout_folder = Path(folder) if folder is not None else None  # None: the default
        self.save_button = widgets.Button(description="Save", icon="save")
        self.save_button.add_class("bk-builder-save")
        self.saved = widgets.Dropdown(description="Saved")
        self.saved.add_class("bk-builder-saved")
        self.load_button = widgets.Button(description="Load", icon="folder-open")
        self.load_button.add_class("bk-builder-load")
        self.handout_button = widgets.Button(description="Write handout", icon="print")
        self.handout_button.add_class("bk-builder-handout")
        self.downloads = widgets.HTML()
        self.downloads.add_class("bk-builder-downloads")
        self.box = widgets.HBox(
            [self.save_button, self.saved, self.load_button, self.handout_button]
        )
        self.fill_saved()

    def fill_saved(self) -> None:
        """List the folder's routine files in :attr:`saved`."""
        files = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        self.saved.options = [(path.stem, str(path)) for path in files]

    def save(self, routine: Routine) -> str:
        """Save ``routine`` in the folder, select its file; return what to say."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path, updating = free_path_for(routine, self.folder)
        routine.save(path)
        self.fill_saved()
        self.saved.value = str(path)
        if updating:
            return f"Updated {path}"
        if path.name != f"{file_stem(routine.name)}.json":
            return f"Saved to {path} (a different routine already has the plain name)"
        return f"Saved to {path}"

    def load(self, catalog: pd.DataFrame) -> Routine:
        """The selected routine file, read against ``catalog``.

        Raises RoutineError or FileNotFoundError for a file that cannot be used.
        """
        return Routine.load(self.saved.value, catalog=catalog)

    def write_handout(self, routine: Routine, profile: Profile | None) -> str:
        """Write the handout as HTML and PDF, offer both in :attr:`downloads`; say so."""
        from ..handout import write_handouts

        self.downloads.value = ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            paths = write_handouts(routine, self.handout_folder, profile=profile)
        names = " and ".join(path.name for path in paths)
        said = f"Handout written to {paths[0].parent}: {names}."
        for warning in caught:  # such as a character no PDF font has: said here too
            if issubclass(warning.category, UserWarning):
                said += f" {warning.message}"
        self.downloads.value = download_links_html(paths)
        return said
