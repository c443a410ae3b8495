//===- Float16.h - bf16 and f16 conversions (internal) ----------*- C++ -*-===//
#ifndef NEURON_RUNTIME_LIB_FLOAT16_H
#define NEURON_RUNTIME_LIB_FLOAT16_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace neuron::rt {

/// bfloat16 storage: the top half of an IEEE f32.
struct BF16 {
  uint16_t bits;
};
/// IEEE half storage.
struct F16 {
  uint16_t bits;
};

inline float bf16ToFloat(uint16_t b) {
  uint32_t u = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
/// Round to nearest even; NaN stays NaN.
inline uint16_t floatToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

inline float f16ToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, u;
  if (exp == 0) {
    if (mant == 0) {
      u = sign;
    } else { // Subnormal: normalize.
      exp = 127 - 15 + 1;
      while (!(mant & 0x400u)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      u = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    u = sign | 0x7f800000u | (mant << 13);
  } else {
    u = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
/// Round to nearest even, overflow to infinity.
inline uint16_t floatToF16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  uint32_t absu = u & 0x7fffffffu;
  if (absu > 0x7f800000u)
    return sign | 0x7e00u; // NaN
  if (absu >= 0x477ff000u)  // >= 65520 rounds to inf
    return sign | 0x7c00u;
  if (absu < 0x38800000u) { // below the smallest normal: subnormal or zero
    float a;
    std::memcpy(&a, &absu, 4);
    // Scale so that the subnormal unit (2^-24) becomes 1, round to even.
    float scaled = a * 16777216.0f;
    uint32_t m = uint32_t(std::nearbyint(scaled));
    return sign | uint16_t(m);
  }
  uint32_t mant = absu & 0x7fffffu;
  uint32_t exp = (absu >> 23) - 127 + 15;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
    ++h;
  return sign | uint16_t(h);
}

} // namespace neuron::rt

#endif // NEURON_RUNTIME_LIB_FLOAT16_H
