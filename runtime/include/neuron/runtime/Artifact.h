//===- Artifact.h - reading and verifying a .neff file ----------*- C++ -*-===//
#ifndef NEURON_RUNTIME_ARTIFACT_H
#define NEURON_RUNTIME_ARTIFACT_H

#include "neuron/runtime/Manifest.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace neuron::rt {

/// The format version this runtime writes. A file with a newer major version
/// is refused; a newer minor version is read (fields are only appended).
inline constexpr uint16_t kFormatMajor = 1;
inline constexpr uint16_t kFormatMinor = 2;
/// Size of the fixed header, before the section table.
inline constexpr uint64_t kHeaderSize = 128;
/// Size of one section table entry.
inline constexpr uint64_t kSectionEntrySize = 32;
/// Alignment of every section's start in the file.
inline constexpr uint64_t kSectionAlignment = 64;

/// What a section holds.
enum class SectionKind : uint32_t { Manifest = 0, Weights = 1 };

/// One section table entry.
struct SectionInfo {
  SectionKind kind = SectionKind::Manifest;
  uint32_t stage = 0; ///< Weights: the stage whose weights these are.
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t checksum = 0; ///< XXH3-64 of the section's bytes.
};

/// The decoded fixed header and section table.
struct ArtifactHeader {
  uint16_t major = kFormatMajor, minor = kFormatMinor;
  uint64_t buildId = 0;
  std::array<uint8_t, 16> uuid{};
  std::string modelName;
  uint32_t numStages = 0;
  uint64_t fileSize = 0;
  uint64_t headerChecksum = 0;
  std::vector<SectionInfo> sections;
};

/// A loaded, verified artifact: the mapped file (or an owned buffer), its
/// header and its manifest. Weight tensors point into the mapping, so they
/// are never copied. Immutable and shareable across threads.
class Artifact {
public:
  /// Maps and verifies `path`: magic, version, header checksum, section
  /// bounds and checksums, the FlatBuffers verifier, then verifyManifest.
  static std::shared_ptr<const Artifact> open(const std::string &path);
  /// Verifies an in-memory artifact (the bytes are moved into the result).
  static std::shared_ptr<const Artifact> fromBytes(std::vector<uint8_t> bytes);
  /// Reads only the header and section table (checksummed), for tools that
  /// must show a file whose sections are damaged.
  static ArtifactHeader readHeader(const std::string &path);

  ~Artifact();
  const ArtifactHeader &header() const { return header_; }
  const ModelDesc &model() const { return model_; }
  /// Returns the start of file section `index`.
  const uint8_t *sectionData(uint32_t index) const;
  /// Returns the bytes of a Weight tensor of stage `stage`.
  const uint8_t *weightData(const StageTensor &tensor) const;

private:
  Artifact() = default;
  void parse(const std::string &what);
  const uint8_t *base_ = nullptr;
  uint64_t size_ = 0;
  void *mapping_ = nullptr;
  std::vector<uint8_t> owned_;
  ArtifactHeader header_;
  ModelDesc model_;
};

/// Decodes and checks the header of an artifact image (magic, version,
/// header checksum, section bounds; not the section checksums). `what` names
/// the file in messages.
ArtifactHeader decodeHeader(const uint8_t *data, uint64_t size,
                            const std::string &what);

/// Recomputes the section checksums and the header checksum of an artifact
/// image in place. For tests that corrupt a manifest on purpose to exercise
/// the structural verifier behind the checksums.
void resealArtifact(std::vector<uint8_t> &bytes);

} // namespace neuron::rt

#endif // NEURON_RUNTIME_ARTIFACT_H
