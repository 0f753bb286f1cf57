using System.IO;
using Outpost.Core.Transport;

namespace Outpost.Tests.Transport
{
    /// <summary>Issue 15.14: the rename retry policy and File.Replace's lost destination, tested through their seams.</summary>
    public class AtomicFileTests
    {
        [Fact]
        public void A_file_held_for_seconds_by_antivirus_or_backup_is_waited_for_not_lost()
        {
            int calls = 0;
            var slept = new List<int>();
            // Held for ~5 s: every rename fails until the holder lets go.
            AtomicFile.Rename("a", "b", true, (_, _, _) =>
            {
                if (slept.Sum() < 5000) { calls++; throw new IOException("The process cannot access the file because it is being used by another process."); }
            }, AtomicFile.WindowsRetryDelaysMs, slept.Add);
            Assert.True(slept.Sum() >= 5000);
            Assert.True(AtomicFile.WindowsRetryDelaysMs.Sum() >= 5000, "the window covers several seconds");
            Assert.Equal(slept.OrderBy(x => x), slept); // backoff: never shorter than the previous wait
        }

        [Fact]
        public void A_file_held_forever_fails_after_the_window_with_the_original_error()
        {
            var slept = new List<int>();
            var error = Assert.Throws<UnauthorizedAccessException>(() =>
                AtomicFile.Rename("a", "b", true, (_, _, _) => throw new UnauthorizedAccessException("held"), AtomicFile.WindowsRetryDelaysMs, slept.Add));
            Assert.Equal("held", error.Message);
            Assert.Equal(AtomicFile.WindowsRetryDelaysMs.Length, slept.Count);
        }

        [Fact]
        public void Replace_on_a_destination_deleted_meanwhile_falls_back_to_a_move()
        {
            var files = new HashSet<string> { "src", "dst" };
            string? moved = null;
            AtomicFile.ReplaceOrMove("src", "dst", files.Contains,
                (s, d) => { files.Remove("dst"); throw new FileNotFoundException("gone", d); }, // deleted between the check and the swap
                (s, d) => { files.Remove(s); files.Add(d); moved = d; });
            Assert.Equal("dst", moved);
            Assert.Contains("dst", files);
            Assert.DoesNotContain("src", files);
        }

        [Fact]
        public void Replace_is_used_when_the_destination_is_there()
        {
            bool replaced = false;
            AtomicFile.ReplaceOrMove("src", "dst", _ => true, (_, _) => replaced = true, (_, _) => throw new InvalidOperationException("no move"));
            Assert.True(replaced);
        }
    }
}
