//===- Json.h - JSON string quoting for the runtime tools -------*- C++ -*-===//
//
// neuron-run, neuron-dump and neuron-ls print --json by hand (the runtime has
// no JSON library); this is the one quoting routine they share.
//
//===----------------------------------------------------------------------===//
#ifndef NEURON_RUNTIME_JSON_H
#define NEURON_RUNTIME_JSON_H

#include <cstdio>
#include <string>

namespace neuron::rt {

/// Returns `s` as a JSON string literal: quoted, with `"` and `\` escaped and
/// control characters written as \uXXXX.
inline std::string jsonString(const std::string &s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else {
      r += c;
    }
  }
  return r + "\"";
}

} // namespace neuron::rt

#endif // NEURON_RUNTIME_JSON_H
