using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;

namespace Outpost.Tests.Transport
{
    /// <summary>Issue 15.9: a stale claim whose pid cannot be looked at (SYSTEM, protected) must not stop the responder.</summary>
    public class ResponderClaimTests
    {
        private sealed class Probe : IProcessProbe
        {
            private readonly bool? _answer;
            public Probe(bool? answer) => _answer = answer;
            public bool? IsRunning(int pid) => _answer;
        }

        private static void PlantClaim(MemoryShareTransport share, DateTime heartbeat) =>
            share.Write(ShareAddress.In(ShareArea.Inbox, 0, ResponderClaim.FileName), new KeyValueFile()
                .Add("host", Environment.MachineName).Add("pid", "4").Add("instance", "other")
                .Add("heartbeat", ProtocolTime.ToWire(heartbeat)).ToBytes());

        [Fact]
        public void An_inaccessible_pid_on_a_stale_claim_is_taken_over()
        {
            using var share = new MemoryShareTransport();
            share.PrepareLayout(1);
            PlantClaim(share, DateTime.UtcNow.AddMinutes(-5));
            var claim = new ResponderClaim(share, TimeSpan.FromSeconds(10), new Probe(null));
            Assert.Null(claim.TryAcquire());
            Assert.True(claim.Holds());
        }

        [Fact]
        public void An_inaccessible_pid_on_a_fresh_claim_is_still_respected()
        {
            using var share = new MemoryShareTransport();
            share.PrepareLayout(1);
            PlantClaim(share, DateTime.UtcNow);
            var claim = new ResponderClaim(share, TimeSpan.FromSeconds(10), new Probe(null));
            Assert.Contains("another responder", claim.TryAcquire());
        }

        [Fact]
        public void A_dead_pid_on_this_host_is_taken_over_at_once()
        {
            using var share = new MemoryShareTransport();
            share.PrepareLayout(1);
            PlantClaim(share, DateTime.UtcNow);
            Assert.Null(new ResponderClaim(share, TimeSpan.FromSeconds(10), new Probe(false)).TryAcquire());
        }

        [Fact]
        public void A_claim_planted_as_a_fifo_or_link_is_replaced()
        {
            foreach (var kind in new[] { EntryKind.Special, EntryKind.Link })
            {
                using var share = new MemoryShareTransport();
                share.PrepareLayout(1);
                share.Plant(ShareAddress.In(ShareArea.Inbox, 0, ResponderClaim.FileName), kind);
                var claim = new ResponderClaim(share);
                Assert.Null(claim.TryAcquire());
                Assert.True(claim.Holds());
            }
        }

        [Fact]
        public void The_local_probe_never_throws()
        {
            Assert.True(LocalProcessProbe.Instance.IsRunning(Environment.ProcessId));
            Assert.False(LocalProcessProbe.Instance.IsRunning(int.MaxValue));
            _ = LocalProcessProbe.Instance.IsRunning(1); // init: may be inaccessible, never an exception
        }
    }
}
