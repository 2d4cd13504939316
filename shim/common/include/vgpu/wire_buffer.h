// A receive buffer for wire frames: bytes read from a socket are appended at the end, decoded
// frames consumed from the front. Its storage is never zero-filled (a std::vector resized before
// each read would clear the whole read window on every call, which costs more than the read on a
// synchronous round trip); it grows only when a frame is larger than what is free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace vgpu::wire {

class ReceiveBuffer {
public:
  explicit ReceiveBuffer(std::size_t capacity = std::size_t{256} * 1024)
      : data_(new std::uint8_t[capacity]), capacity_(capacity) {}

  std::span<const std::uint8_t> readable() const { return {data_.get() + begin_, end_ - begin_}; }
  void consume(std::size_t bytes) {
    begin_ += bytes;
    if (begin_ == end_) {
      begin_ = end_ = 0;
    }
  }
  // Room for at least `bytes` more (moves unread bytes to the front, or grows), returned as the
  // whole free tail.
  std::span<std::uint8_t> writable(std::size_t bytes) {
    if (capacity_ - end_ < bytes) {
      const std::size_t unread = end_ - begin_;
      if (capacity_ - unread < bytes) {
        std::size_t grown = capacity_ * 2;
        while (grown - unread < bytes) {
          grown *= 2;
        }
        std::unique_ptr<std::uint8_t[]> larger(new std::uint8_t[grown]);
        std::memcpy(larger.get(), data_.get() + begin_, unread);
        data_ = std::move(larger);
        capacity_ = grown;
      } else {
        std::memmove(data_.get(), data_.get() + begin_, unread);
      }
      begin_ = 0;
      end_ = unread;
    }
    return {data_.get() + end_, capacity_ - end_};
  }
  void produced(std::size_t bytes) { end_ += bytes; }

private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

} // namespace vgpu::wire
