"""Windows sized to the screen they open on: never bigger than it, maximised where there is no room to spare.

The main window used to open at 1180×800 on every screen, so on a 1366×768 laptop its status bar was below
the screen's edge; History and Shelf count opened at 1320 pixels wide on a 1024-pixel netbook. `show_fitted`
shows a top-level window at its preferred size, centred, when the screen's available area has room for it, and
otherwise fills the available area and asks to be maximised. The geometry is set as well as the state: without
a window manager (a kiosk session, Xvfb) nobody acts on the maximised state, and the window would keep a size
bigger than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def show_fitted(window: QWidget, preferred: QSize) -> None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    if available.width() <= preferred.width() or available.height() <= preferred.height():
        window.setGeometry(available)
        window.showMaximized()
        return
    window.resize(preferred)
    frame = window.frameGeometry()
    frame.moveCenter(available.center())
    window.move(frame.topLeft())
    window.show()
