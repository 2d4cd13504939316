// Precompiled for the widget targets (cmake/VgpuPrecompiledHeaders.cmake): qt_core.h plus the
// widgets most console files include. Only Qt's and the standard library's headers.
#pragma once

#include "qt_core.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWidget>
