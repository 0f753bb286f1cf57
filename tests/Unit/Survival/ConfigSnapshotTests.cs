using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Survival
{
    /// <summary>Issue 19 item 3: a reload publishes a new options snapshot; the one lanes were reading is never changed under them.</summary>
    public class ConfigSnapshotTests
    {
        [Fact]
        public async Task A_reload_replaces_the_options_and_leaves_the_old_snapshot_as_it_was()
        {
            using var folder = new TempFolder();
            string path = folder.Combine("outpost.toml");
            File.WriteAllText(path, "[responder]\nname = \"before\"\n");
            await using var responder = new RunningResponder(o => { o.ConfigPath = path; o.Name = null; });
            var before = responder.Responder.Options;
            var beforePolicy = before.Policy;
            Assert.Null(beforePolicy?.AllowedExtensions);
            Assert.Equal(0, responder.RunJob("exit 0\n", "sh").Result!.ExitCode);

            File.WriteAllText(path, "[responder]\nname = \"after\"\n[policy]\nallowed_extensions = [\"bash\"]\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            RunningResponder.WaitUntil(() => responder.Events.Any(e => e.Message == "configuration reloaded"), TimeSpan.FromSeconds(30));

            var after = responder.Responder.Options;
            Assert.NotSame(before, after);
            Assert.Same(beforePolicy, before.Policy); // the snapshot lanes held is untouched
            Assert.Null(before.Policy?.AllowedExtensions);
            Assert.Equal("before", before.Name);
            Assert.Equal("after", after.Name);
            var refused = responder.RunJob("exit 0\n", "sh"); // lanes read the new snapshot on their next tick
            Assert.Equal(Wire.ExitDispatchError, refused.Result!.ExitCode);
        }
    }
}
