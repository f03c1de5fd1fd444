// The link against a broker that asks for a password, and one that speaks TLS: real
// mosquitto, real sensorhost processes, certificates made by openssl for the test.
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/broker.hpp"
#include "support/sensorhost_node.hpp"

using namespace sensorhost::testing;

namespace {

const std::string kDir = ::testing::TempDir();

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

}  // namespace

TEST(SecureBroker, PasswordFromAFileConnectsAndAWrongOneIsRetriedWithTheReason) {
  const std::string passwords = kDir + "secure-passwords";
  ASSERT_TRUE(run("rm -f " + passwords + " && mosquitto_passwd -c -b " + passwords + " node s3cret"));
  std::ofstream(kDir + "secure-good") << "s3cret\n";
  std::ofstream(kDir + "secure-bad") << "wrong-one\n";
  Broker broker(kDir, "secure-auth", "allow_anonymous false\npassword_file " + passwords + "\n");
  const std::string user = "username = \"node\"\npassword_file = \"" + kDir;
  Node good("secure", {.name = "good", .broker = broker.url(), .extra_mqtt = user + "secure-good\"\n"});
  Node bad("secure", {.name = "bad", .broker = broker.url(), .extra_mqtt = user + "secure-bad\"\n"});
  EXPECT_TRUE(good.process().wait_for("mqtt: connected to")) << good.log();
  // Refused, and tried again: libmosquitto's own loop would have given up for good.
  EXPECT_TRUE(bad.process().wait_for("refused the connection", 10s)) << bad.log();
  EXPECT_TRUE(eventually([&] { return bad.log().find("unreachable") != std::string::npos; }, 5s)) << bad.log();
  auto health = bad.get_json("/api/health");
  ASSERT_TRUE(health);
  EXPECT_NE((*health)["link"]["state"], "up");
  EXPECT_TRUE(bad.process().running());
  EXPECT_EQ(good.log().find("s3cret"), std::string::npos) << "a password never reaches the log";
  EXPECT_EQ(bad.log().find("wrong-one"), std::string::npos) << "a password never reaches the log";
}

TEST(SecureBroker, TlsWithTheSitesCaCarriesReadingsToAHub) {
  const std::string ca = kDir + "secure-ca", server = kDir + "secure-server";
  ASSERT_TRUE(run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout " + ca + ".key -out " + ca +
                  ".pem"));
  ASSERT_TRUE(run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                  server + ".key -out " + server + ".csr"));
  ASSERT_TRUE(run("openssl x509 -req -in " + server + ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -days 2 " +
                  "-copy_extensions copy -out " + server + ".pem"));
  // mosquitto drops root for its own user, which must read the key.
  ASSERT_TRUE(run("chmod 0644 " + server + ".key"));
  const auto tls_port = free_port();
  Broker broker(kDir, "secure-tls", "allow_anonymous true\n",
                "listener " + std::to_string(tls_port) + " 127.0.0.1\ncafile " + ca + ".pem\ncertfile " + server +
                    ".pem\nkeyfile " + server + ".key\n");
  const std::string tls_url = "mqtts://127.0.0.1:" + std::to_string(tls_port);
  Node satellite("secure", {.name = "tls-sat", .broker = tls_url, .extra_mqtt = "ca_file = \"" + ca + ".pem\"\n"});
  Node hub("secure", {.name = "tls-hub", .broker = tls_url, .subscribe = "[\"*\"]", .extra_mqtt = "ca_file = \"" + ca + ".pem\"\n"});
  EXPECT_TRUE(eventually([&] { return shows_ok_reading(hub, "tls-sat"); }, 10s)) << satellite.log() << hub.log() << broker.log();
  // Without the site's CA the broker's certificate is not trusted: refused, retried, said.
  Node stranger("secure", {.name = "stranger", .broker = tls_url});
  // A failed handshake is reported at once; a stalled one by the 10 s connect timeout.
  EXPECT_TRUE(stranger.process().wait_for("unreachable", 15s)) << stranger.log();
  EXPECT_TRUE(stranger.process().running());
}
