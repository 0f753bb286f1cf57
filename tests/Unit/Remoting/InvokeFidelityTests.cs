using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Remoting;

namespace Outpost.Tests.Remoting
{
    /// <summary>
    /// What the wrapper does for $null, parameter defaults, exit codes and statement errors, over stdout
    /// recorded from real PowerShell 7.6 runs (record.ps1); the $using: keys; when a wait gives up.
    /// </summary>
    public class InvokeFidelityTests
    {
        private const string Token = "OUTPOST-recorded0000000000000000000000";

        private static List<RemoteFrame> Decode(string name)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Remoting", "Data", name + ".stdout"));
            var decoder = new RemoteFrameDecoder(Token);
            var frames = decoder.Push(bytes, 0, bytes.Length).ToList();
            frames.AddRange(decoder.Finish());
            return frames;
        }

        [Fact]
        public void Null_output_is_a_frame_of_its_own_and_void_output_is_none()
        {
            var frames = Decode("nulls");
            Assert.Equal(new[] { RemoteFrameKind.Begin, RemoteFrameKind.Output, RemoteFrameKind.Output, RemoteFrameKind.Output, RemoteFrameKind.End },
                frames.Select(f => f.Kind));
            Assert.Contains("<Nil />", frames[1].Payload);
            Assert.Contains("<I32>1</I32>", frames[2].Payload);
            Assert.Contains("<LST>", frames[3].Payload); // ,@(1, @(2, 3)) stays one object
            Assert.DoesNotContain(frames, f => f.Payload.Contains("dropped"));
        }

        [Fact]
        public void Without_arguments_parameter_defaults_apply_and_args_is_empty()
        {
            var outputs = Decode("defaults").Where(f => f.Kind == RemoteFrameKind.Output).Select(f => f.Payload).ToList();
            Assert.Equal(2, outputs.Count);
            Assert.Contains("<S>default</S>", outputs[0]);
            Assert.Contains("<I32>0</I32>", outputs[1]);
        }

        [Fact]
        public void A_statement_error_goes_on_and_exit_ends_without_an_end_frame()
        {
            var frames = Decode("exits");
            Assert.Equal(new[] { RemoteFrameKind.Begin, RemoteFrameKind.Output, RemoteFrameKind.Error, RemoteFrameKind.Output },
                frames.Select(f => f.Kind));
            Assert.Contains("after a statement-terminating error", frames[3].Payload);
            // The division's position is inside the block as written: line 2, column 1.
            Assert.Contains("<I32 N=\"ScriptLineNumber\">2</I32>", frames[2].Payload);
            Assert.DoesNotContain("__outpost", frames[2].Payload.Split("PositionMessage")[1].Split("</S>")[0]);
        }

        [Theory]
        [InlineData("$using:Service", true, "$using:service")]
        [InlineData("$using:ht.Key", false, "$using:ht.Key")]
        [InlineData("$using:ht['Key']", false, "$using:ht['Key']")]
        public void Using_keys_are_the_ones_PowerShell_remoting_sends(string text, bool plainVariable, string keyed)
        {
            Assert.Equal(Convert.ToBase64String(Encoding.Unicode.GetBytes(keyed)), RemoteCommandScript.UsingKey(text, plainVariable));
        }

        [Fact]
        public void The_wrapper_has_no_try_around_the_block_and_uses_no_7_only_syntax()
        {
            string script = RemoteCommandScript.Build("1", null, null, 2, Token);
            Assert.Contains("RunspaceMode]::CurrentRunspace", script);
            Assert.Contains("AddParameter('--%'", script);
            Assert.DoesNotContain("return $null", script);
            foreach (string sevenOnly in new[] { " ?? ", "&&", "||", "??=", "?." }) Assert.DoesNotContain(sevenOnly, script);
        }

        private static readonly OutpostTarget Target = new OutpostTarget(Path.Combine(Path.GetTempPath(), "outpost-liveness"), "lab");
        private static readonly OutpostJob Job = new OutpostJob { Target = "lab", Lane = 1, Stem = "20260101_000000_000001-invoke", Extension = "ps1" };
        private static readonly DateTime Now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static WaitProgress Snapshot(LaneState state, bool alive, int position = 1) => new WaitProgress(Job, TimeSpan.Zero, position, state, alive);

        [Fact]
        public void A_live_paused_or_busy_lane_keeps_the_wait_going()
        {
            var liveness = new ResponderLiveness(TimeSpan.FromSeconds(10));
            liveness.Check(Target, Snapshot(LaneState.Paused, alive: true), Now);
            liveness.Check(Target, Snapshot(LaneState.Busy, alive: true), Now.AddHours(1));
        }

        [Theory]
        [InlineData(LaneState.Stopped)]
        [InlineData(LaneState.Idle)] // a stale heartbeat
        public void Heartbeats_that_say_nobody_serves_end_the_wait_at_once(LaneState state)
        {
            var e = Assert.Throws<OutpostException>(() => new ResponderLiveness(TimeSpan.FromSeconds(10)).Check(Target, Snapshot(state, alive: false), Now));
            Assert.Equal("NoLiveResponder", e.ErrorId);
            Assert.Contains("lab", e.Message);
            Assert.Contains("Start-OutpostResponder", e.Message);
        }

        [Fact]
        public void No_heartbeat_at_all_gets_the_grace_period_first()
        {
            var liveness = new ResponderLiveness(TimeSpan.FromSeconds(10));
            liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now);
            liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now.AddSeconds(9));
            var e = Assert.Throws<OutpostException>(() => liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now.AddSeconds(10)));
            Assert.Contains("no responder has written a heartbeat", e.Message);
        }

        [Fact]
        public void A_heartbeat_in_between_restarts_the_grace_period()
        {
            var liveness = new ResponderLiveness(TimeSpan.FromSeconds(10));
            liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now);
            liveness.Check(Target, Snapshot(LaneState.Idle, alive: true), Now.AddSeconds(8));
            liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now.AddSeconds(9));
            liveness.Check(Target, Snapshot(LaneState.Unknown, alive: false), Now.AddSeconds(18));
        }
    }
}
