// Quoting bytes that came from a scan's target (paths of its mappings, key
// log fields, /proc lines) in text meant for a terminal.
#ifndef SECRETMODE_KEYSCAN_PRINTABLE_H_
#define SECRETMODE_KEYSCAN_PRINTABLE_H_

#include <string>
#include <string_view>

namespace keyscan {

// Printable returns `bytes` with each control character (0x00-0x1f, 0x7f)
// written as \xNN and each backslash as \\, other bytes (UTF-8 names
// included) as they are: the result holds no newline, carriage return or
// escape sequence, so a target cannot move the terminal's cursor or start
// a line that looks like keyscan's own. Thread-safe; allocates.
//
// WARNING: it does not validate UTF-8, and bytes 0x80-0x9f pass through
// (C1 controls only to a terminal not in UTF-8 mode).
std::string Printable(std::string_view bytes);

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PRINTABLE_H_
