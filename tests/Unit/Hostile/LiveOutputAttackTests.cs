using System.IO;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Remoting;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hostile
{
    /// <summary>
    /// Invoke-OutpostCommand reads a job's stdout while it grows (LiveOutput). The growing file is found
    /// by name in the share, so it is as much the adversary's as any other: planted as a link or a FIFO
    /// it must be neither followed nor opened.
    /// </summary>
    public class LiveOutputAttackTests
    {
        [Fact]
        public async Task A_growing_stdout_planted_as_a_link_to_a_local_file_is_not_read()
        {
            using var share = new TempFolder();
            using var local = new TempFolder();
            string secret = local.Combine("id_rsa");
            File.WriteAllText(secret, "PRIVATE KEY");
            var target = new OutpostTarget(share.Path);
            var job = target.Submit(JobSubmission.FromText("echo real\n", "sh"));
            Plant.Link(Path.Combine(share.Path, "outbox", "1", job.Stem + ".stdout.planted.tmp"), secret);

            var seen = new MemoryStream();
            var error = await Assert.ThrowsAsync<OutpostException>(() => LiveOutput.FollowAsync(target, job,
                (bytes, offset, count) => seen.Write(bytes, offset, count), TimeSpan.FromSeconds(1), CancellationToken.None));
            Assert.Equal("WaitTimeout", error.ErrorId);
            Assert.DoesNotContain("PRIVATE KEY", Encoding.UTF8.GetString(seen.ToArray()));
            Assert.Equal(0, seen.Length);
        }

        [Fact]
        public async Task A_growing_stdout_planted_as_a_fifo_does_not_block_the_wait()
        {
            if (OperatingSystem.IsWindows()) Assert.Skip("FIFOs are a POSIX thing: skipped on Windows");
            using var share = new TempFolder();
            var target = new OutpostTarget(share.Path);
            var job = target.Submit(JobSubmission.FromText("echo real\n", "sh"));
            Plant.Fifo(Path.Combine(share.Path, "outbox", "1", job.Stem + ".stdout.planted.tmp"));

            var error = await Plant.WithinSeconds(10, () => Assert.ThrowsAsync<OutpostException>(() => LiveOutput.FollowAsync(target, job,
                (_, _, _) => { }, TimeSpan.FromSeconds(1), CancellationToken.None)));
            Assert.Equal("WaitTimeout", error.ErrorId);
        }
    }
}
