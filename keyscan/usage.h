// keyscan's --help text.
#ifndef SECRETMODE_KEYSCAN_USAGE_H_
#define SECRETMODE_KEYSCAN_USAGE_H_

namespace keyscan {

// kUsage is the text `keyscan --help` prints.
extern const char kUsage[];

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_USAGE_H_
