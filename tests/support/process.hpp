#pragma once
// Real processes for system tests: a child whose output goes to a file (so a chatty
// child never blocks on a full pipe while the test looks elsewhere), awaited by polling
// its log with a bound, never by a bare sleep; and loopback ports picked by the kernel.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sensorhost::testing {

// Polls `done` every 20 ms until it holds or `limit` passes; true when it held.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A free TCP port on 127.0.0.1 (bound and released: the caller binds it next).
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ChildProcess {
 public:
  // Runs `program` with `args`; stdout and stderr go to `log_path`.
  ChildProcess(const std::string& program, const std::vector<std::string>& args, std::string log_path)
      : log_path_(std::move(log_path)) {
    // Emptied here, before the fork: a wait_for() right after must not read a previous run's log.
    const int out = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
      std::vector<char*> argv{const_cast<char*>(program.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execvp(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out);
  }
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exited_; }
  std::string log() const { return read_file(log_path_); }
  const std::string& log_path() const { return log_path_; }

  // Waits (bounded) until the log holds `text`, counted from `from` bytes on.
  bool wait_for(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(15),
                std::size_t from = 0) const {
    return eventually([&] { return log().find(text, from) != std::string::npos; }, limit);
  }
  void signal(int sig) const {
    if (running()) ::kill(pid_, sig);
  }
  // Waits for the exit; the exit code, or 128 + signal.
  int wait() {
    if (exited_) return exit_code_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace sensorhost::testing
