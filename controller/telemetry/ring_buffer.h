// RingBuffer: a fixed-capacity FIFO of values that overwrites its oldest entry when full, so a
// series kept for a time window never holds more than `capacity` entries. Storage grows up to the
// capacity as values arrive (a short-lived process costs little) and never beyond it.
#pragma once

#include <cstddef>
#include <vector>

namespace vgpu::controller::telemetry {

template <typename T> class RingBuffer {
public:
  explicit RingBuffer(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  void push(const T& value) {
    if (values_.size() < capacity_) {
      if (values_.size() == values_.capacity()) {
        // Grow geometrically but never past the capacity (std::vector alone would overshoot).
        const std::size_t doubled = values_.size() < 8 ? 16 : values_.size() * 2;
        values_.reserve(doubled < capacity_ ? doubled : capacity_);
      }
      values_.push_back(value);
      return;
    }
    values_[start_] = value;
    start_ = (start_ + 1) % capacity_;
  }

  // The i-th oldest value (0 = oldest), i < size().
  const T& at(std::size_t i) const { return values_[(start_ + i) % values_.size()]; }
  const T& newest() const { return at(values_.size() - 1); }

  // Keeps the newest min(size, capacity) values under the new capacity.
  void setCapacity(std::size_t capacity) {
    std::vector<T> ordered;
    const std::size_t keep = values_.size() < capacity ? values_.size() : capacity;
    ordered.reserve(keep);
    for (std::size_t i = values_.size() - keep; i < values_.size(); ++i) {
      ordered.push_back(at(i));
    }
    values_ = std::move(ordered);
    values_.shrink_to_fit();
    start_ = 0;
    capacity_ = capacity == 0 ? 1 : capacity;
  }

  void clear() {
    values_.clear();
    start_ = 0;
  }

  // Bytes of storage held (for the memory checks in tests and benchmarks).
  std::size_t storageBytes() const { return values_.capacity() * sizeof(T); }

private:
  std::size_t capacity_;
  std::size_t start_ = 0; // index of the oldest value once full
  std::vector<T> values_;
};

} // namespace vgpu::controller::telemetry
