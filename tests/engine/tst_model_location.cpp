// Hugging Face hub cache entries as model folders: a fake cache built in a temporary folder, with snapshot files
// that are symlinks into blobs/ as huggingface_hub makes them.
#include "l1ra/error.h"
#include "l1ra/model_info.h"
#include "l1ra/model_location.h"
#include "test_support.h"

#include <QtTest>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

class TestModelLocation : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    fs::path hub() const { return fs::path(tmp_.path().toStdString()) / "hub"; }

    static void writeText(const fs::path& file, const std::string& text) {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }

    // models--org--name with the fixture model's files as blobs and `snapshot` linking to them.
    static fs::path cachedFixture(const fs::path& hubDir, const std::string& org, const std::string& name, const std::string& snapshot) {
        const fs::path entry = hubDir / ("models--" + org + "--" + name);
        fs::create_directories(entry / "blobs");
        fs::create_directories(entry / "snapshots" / snapshot);
        int blob = 0;
        for (const auto& f : fs::directory_iterator(l1ra::test::fixtureModel())) {
            const std::string blobName = "blob" + std::to_string(blob++);
            fs::copy_file(f.path(), entry / "blobs" / blobName);
            fs::create_symlink(fs::path("../../blobs") / blobName, entry / "snapshots" / snapshot / f.path().filename());
        }
        return entry;
    }

    template <typename F>
    static void expectError(F&& f, const std::string& fragment) {
        try {
            f();
        } catch (const l1ra::Error& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
            return;
        }
        QFAIL(("no l1ra::Error; expected one naming " + fragment).c_str());
    }

private Q_SLOTS:
    // refs/main picks the snapshot even when another is newer; the folder opens through the symlinks.
    void refsMainNamesTheSnapshot() {
        const fs::path entry = cachedFixture(hub(), "org", "tiny", "aaaa1111");
        fs::create_directories(entry / "snapshots" / "bbbb2222");
        writeText(entry / "refs" / "main", "aaaa1111\n");
        const std::string expected = (entry / "snapshots" / "aaaa1111").string();
        QCOMPARE(l1ra::resolveModelFolder(entry.string()), expected);
        QCOMPARE(l1ra::resolveModelFolder(entry.string() + "/"), expected);
        const l1ra::ModelInfo info = l1ra::inspectModel(entry.string(), /*readTokenizer=*/true);
        QCOMPARE(info.path, expected);
        QCOMPARE(info.numLayers, int64_t(2));
        QVERIFY2(info.tokenizerError.empty(), info.tokenizerError.c_str());
    }

    // The CLI takes the entry wherever it takes --model.
    void cliAcceptsTheEntry() {
        const fs::path entry = cachedFixture(hub(), "cli", "tiny", "cccc3333");
        writeText(entry / "refs" / "main", "cccc3333");
        const auto r = l1ra::test::runCli({"info", "--model", entry.string()});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(r.out.find("snapshots/cccc3333") != std::string::npos, r.out.c_str());
    }

    // Without refs/main, the most recently written snapshot.
    void newestSnapshotWithoutRefs() {
        const fs::path entry = hub() / "models--org--norefs";
        fs::create_directories(entry / "snapshots" / "old");
        fs::create_directories(entry / "snapshots" / "new");
        const auto now = fs::file_time_type::clock::now();
        fs::last_write_time(entry / "snapshots" / "old", now - std::chrono::hours(2));
        fs::last_write_time(entry / "snapshots" / "new", now - std::chrono::hours(1));
        QCOMPARE(l1ra::resolveModelFolder(entry.string()), (entry / "snapshots" / "new").string());
        fs::last_write_time(entry / "snapshots" / "old", now);
        QCOMPARE(l1ra::resolveModelFolder(entry.string()), (entry / "snapshots" / "old").string());
    }

    void brokenEntriesAreNamed() {
        const fs::path dangling = hub() / "models--org--dangling";
        fs::create_directories(dangling / "snapshots" / "present");
        writeText(dangling / "refs" / "main", "missing");
        expectError([&] { l1ra::resolveModelFolder(dangling.string()); }, (dangling / "refs" / "main").string());
        const fs::path empty = hub() / "models--org--empty";
        fs::create_directories(empty / "snapshots");
        expectError([&] { l1ra::resolveModelFolder(empty.string()); }, empty.string() + ": a Hugging Face cache entry without any snapshot");
    }

    // Plain folders and paths that do not exist are the caller's business.
    void otherPathsUnchanged() {
        QCOMPARE(l1ra::resolveModelFolder(l1ra::test::fixtureModel()), l1ra::test::fixtureModel());
        const std::string missing = tmp_.path().toStdString() + "/models--not--there";
        QCOMPARE(l1ra::resolveModelFolder(missing), missing);
        QCOMPARE(l1ra::resolveModelFolder(""), std::string());
    }

    // The listing shows complete entries only, sorted, with the repo id spelled as on the hub.
    void listsCachedModels() {
        const fs::path listed = tmp_.path().toStdString() + "/listed";
        cachedFixture(listed, "zeta", "b", "s1");
        cachedFixture(listed, "alpha", "a-model", "s2");
        fs::create_directories(listed / "models--org--nosnapshot" / "snapshots");
        fs::create_directories(listed / "datasets--org--data" / "snapshots" / "s3");
        const auto models = l1ra::findCachedModels(listed.string());
        QCOMPARE(int(models.size()), 2);
        QCOMPARE(models[0].repoId, std::string("alpha/a-model"));
        QCOMPARE(models[0].entry, (listed / "models--alpha--a-model").string());
        QCOMPARE(models[0].snapshot, (listed / "models--alpha--a-model" / "snapshots" / "s2").string());
        QCOMPARE(models[1].repoId, std::string("zeta/b"));
        QVERIFY(l1ra::findCachedModels((listed / "absent").string()).empty());
    }

    // huggingface_hub's order: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub.
    void hubCacheFollowsTheEnvironment() {
        const QByteArray home = qgetenv("HOME");
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HF_HOME");
        qunsetenv("XDG_CACHE_HOME");
        qputenv("HOME", "/home/u");
        QCOMPARE(l1ra::huggingFaceHubCache(), std::string("/home/u/.cache/huggingface/hub"));
        qputenv("XDG_CACHE_HOME", "/x");
        QCOMPARE(l1ra::huggingFaceHubCache(), std::string("/x/huggingface/hub"));
        qputenv("HF_HOME", "/hf");
        QCOMPARE(l1ra::huggingFaceHubCache(), std::string("/hf/hub"));
        qputenv("HF_HUB_CACHE", "/cache");
        QCOMPARE(l1ra::huggingFaceHubCache(), std::string("/cache"));
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HF_HOME");
        qunsetenv("XDG_CACHE_HOME");
        qputenv("HOME", home);
    }
};

QTEST_GUILESS_MAIN(TestModelLocation)
#include "tst_model_location.moc"
