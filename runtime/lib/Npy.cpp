//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
#include "neuron/runtime/Npy.h"
#include "neuron/runtime/Error.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace neuron::rt {

namespace {
const char kMagic[] = "\x93NUMPY";

std::optional<DType> dtypeFromDescr(const std::string &d) {
  if (d == "<f4") return DType::F32;
  if (d == "<f2") return DType::F16;
  if (d == "<i8") return DType::I64;
  if (d == "<i4") return DType::I32;
  if (d == "|i1" || d == "<i1") return DType::I8;
  if (d == "|b1" || d == "<b1") return DType::Bool;
  if (d == "|V2" || d == "<V2") return DType::BF16;
  return std::nullopt;
}

const char *descrOf(DType t) {
  switch (t) {
  case DType::F32: return "<f4";
  case DType::F16: return "<f2";
  case DType::I64: return "<i8";
  case DType::I32: return "<i4";
  case DType::I8: return "|i1";
  case DType::Bool: return "|b1";
  case DType::BF16: return "|V2";
  }
  return "?";
}

/// A tiny parser for the header's Python dict literal.
struct DictParser {
  const std::string &s;
  size_t pos = 0;
  const std::string &what;
  [[noreturn]] void fail(const std::string &msg) {
    throw Error(what + ": malformed .npy header (" + msg + "): " + s);
  }
  void skipSpace() {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])))
      ++pos;
  }
  bool eat(char c) {
    skipSpace();
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c))
      fail(std::string("expected '") + c + "'");
  }
  std::string string() {
    skipSpace();
    if (pos >= s.size() || (s[pos] != '\'' && s[pos] != '"'))
      fail("expected a string");
    char q = s[pos++];
    size_t end = s.find(q, pos);
    if (end == std::string::npos)
      fail("unterminated string");
    std::string r = s.substr(pos, end - pos);
    pos = end + 1;
    return r;
  }
  int64_t integer() {
    skipSpace();
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
      ++pos;
    if (start == pos || pos - start > 18)
      fail("expected a dimension");
    int64_t v = std::stoll(s.substr(start, pos - start));
    if (eat('L')) {
    }
    return v;
  }
  std::string word() {
    skipSpace();
    size_t start = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos])))
      ++pos;
    return s.substr(start, pos - start);
  }
};
} // namespace

HostTensor parseNpy(const std::vector<uint8_t> &bytes, const std::string &what) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0)
    throw Error(what + ": not a .npy file (bad magic)");
  uint8_t major = bytes[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      throw Error(what + ": truncated .npy header");
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                (size_t(bytes[11]) << 24);
    start = 12;
  } else {
    throw Error(what + ": unsupported .npy version " + std::to_string(major));
  }
  if (headerLen > bytes.size() - start)
    throw Error(what + ": truncated .npy header: needs " + std::to_string(headerLen) +
                " bytes, file has " + std::to_string(bytes.size() - start));
  std::string header(reinterpret_cast<const char *>(bytes.data() + start), headerLen);
  DictParser p{header, 0, what};
  std::optional<std::string> descr;
  std::optional<bool> fortran;
  std::optional<Shape> shape;
  p.expect('{');
  while (!p.eat('}')) {
    std::string key = p.string();
    p.expect(':');
    if (key == "descr") {
      descr = p.string();
    } else if (key == "fortran_order") {
      std::string w = p.word();
      if (w != "True" && w != "False")
        p.fail("fortran_order must be True or False");
      fortran = w == "True";
    } else if (key == "shape") {
      p.expect('(');
      Shape s;
      while (!p.eat(')')) {
        s.push_back(p.integer());
        if (!p.eat(',')) {
          p.expect(')');
          break;
        }
      }
      if (s.size() > 32)
        p.fail("too many dimensions");
      shape = s;
    } else {
      p.fail("unknown key '" + key + "'");
    }
    if (!p.eat(',')) {
      p.expect('}');
      break;
    }
  }
  if (!descr || !fortran || !shape)
    p.fail("descr, fortran_order and shape are required");
  if (*fortran)
    throw Error(what + ": Fortran-order arrays are not supported; save with C order");
  auto dtype = dtypeFromDescr(*descr);
  if (!dtype)
    throw Error(what + ": unsupported dtype '" + *descr +
                "' (supported: <f4 <f2 <i8 <i4 |i1 |b1 and bf16 as |V2)");
  auto n = checkedNumElements(*shape, (uint64_t(1) << 40));
  if (!n)
    throw Error(what + ": absurd shape " + formatShape(*shape));
  uint64_t need = *n * dtypeSize(*dtype);
  uint64_t have = bytes.size() - start - headerLen;
  if (have < need)
    throw Error(what + ": truncated data: " + std::string(dtypeName(*dtype)) +
                formatShape(*shape) + " needs " + std::to_string(need) +
                " bytes, file has " + std::to_string(have));
  if (have > need)
    throw Error(what + ": " + std::to_string(have - need) +
                " trailing bytes after the array data");
  return HostTensor::copyOf(*dtype, *shape, bytes.data() + start + headerLen);
}

HostTensor readNpy(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad())
    throw Error(path + ": read error");
  return parseNpy(bytes, path);
}

std::vector<uint8_t> encodeNpy(const HostTensor &t) {
  std::string dict = std::string("{'descr': '") + descrOf(t.dtype()) +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < t.shape().size(); ++i)
    dict += (i ? ", " : "") + std::to_string(t.shape()[i]);
  if (t.shape().size() == 1)
    dict += ","; // A 1-tuple is "(3,)".
  dict += "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary.
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::vector<uint8_t> out(kMagic, kMagic + 6);
  out.push_back(1);
  out.push_back(0);
  out.push_back(uint8_t(dict.size() & 0xff));
  out.push_back(uint8_t(dict.size() >> 8));
  out.insert(out.end(), dict.begin(), dict.end());
  const uint8_t *d = static_cast<const uint8_t *>(t.data());
  out.insert(out.end(), d, d + t.byteSize());
  return out;
}

void writeNpy(const std::string &path, const HostTensor &tensor) {
  std::vector<uint8_t> bytes = encodeNpy(tensor);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  if (!out)
    throw Error(path + ": write failed");
}

} // namespace neuron::rt
