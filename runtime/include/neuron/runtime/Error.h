//===- Error.h - the runtime's one exception type ---------------*- C++ -*-===//
#ifndef NEURON_RUNTIME_ERROR_H
#define NEURON_RUNTIME_ERROR_H

#include <stdexcept>
#include <string>

namespace neuron::rt {

/// Every failure the runtime reports at its API boundary: a malformed or
/// incompatible artifact, a wrong input, an unreadable file, a kernel that
/// cannot be prepared. The message says what was expected and what was found.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace neuron::rt

#endif // NEURON_RUNTIME_ERROR_H
