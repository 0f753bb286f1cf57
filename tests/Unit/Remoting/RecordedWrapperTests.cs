using System.IO;
using System.Text;
using Outpost.Core.Remoting;

namespace Outpost.Tests.Remoting
{
    /// <summary>
    /// The decoder over stdout recorded from real PowerShell 7.6 runs of the wrapper
    /// (tests/Unit/Remoting/Data/record.ps1 says how; re-record after changing the wrapper).
    /// </summary>
    public class RecordedWrapperTests
    {
        private const string Token = "OUTPOST-recorded0000000000000000000000";

        private static byte[] Recorded(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Remoting", "Data", name + ".stdout"));

        private static List<RemoteFrame> Decode(byte[] bytes, int chunk)
        {
            var decoder = new RemoteFrameDecoder(Token);
            var frames = new List<RemoteFrame>();
            for (int i = 0; i < bytes.Length; i += chunk) frames.AddRange(decoder.Push(bytes, i, Math.Min(chunk, bytes.Length - i)));
            frames.AddRange(decoder.Finish());
            return frames;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(333)]
        [InlineData(65536)]
        public void Every_stream_comes_back_in_order_with_the_stray_line_as_text(int chunk)
        {
            var frames = Decode(Recorded("streams"), chunk);
            Assert.Equal(new[]
            {
                RemoteFrameKind.Begin, RemoteFrameKind.Output, RemoteFrameKind.Output, RemoteFrameKind.Text,
                RemoteFrameKind.Warning, RemoteFrameKind.Verbose, RemoteFrameKind.Debug, RemoteFrameKind.Information,
                RemoteFrameKind.Error, RemoteFrameKind.Output, RemoteFrameKind.End,
            }, frames.Select(f => f.Kind));
            Assert.Contains("<S N=\"Name\">alpha</S>", frames[1].Payload);
            Assert.Contains("<DT N=\"When\">2026-01-02T03:04:05", frames[1].Payload);
            Assert.Contains("<S>plain string</S>", frames[2].Payload);
            Assert.Equal("stray console line", frames[3].Payload);
            Assert.Contains("a warning", frames[4].Payload);
            Assert.Contains("a remote error", frames[8].Payload);
            Assert.Contains("<I32>42</I32>", frames[9].Payload);
        }

        [Fact]
        public void Arguments_reach_the_script_block()
        {
            var frames = Decode(Recorded("arguments"), 17);
            Assert.Contains(frames, f => f.Kind == RemoteFrameKind.Output && f.Payload.Contains("<S>left-7</S>"));
        }

        [Fact]
        public void A_throw_becomes_a_terminating_frame_after_the_output_before_it()
        {
            var frames = Decode(Recorded("throws"), 64);
            Assert.Equal(new[] { RemoteFrameKind.Begin, RemoteFrameKind.Output, RemoteFrameKind.Terminating }, frames.Select(f => f.Kind));
            Assert.Contains("remote failure", frames[2].Payload);
        }

        [Fact]
        public void Ten_thousand_recorded_objects_decode_as_a_stream_with_bounded_memory()
        {
            // The recorded output frame, replayed 10,000 times through odd-sized reads.
            string line = Encoding.UTF8.GetString(Recorded("streams")).Split('\n')[1] + "\n";
            byte[] frame = Encoding.UTF8.GetBytes(line);
            var decoder = new RemoteFrameDecoder(Token);
            int decoded = 0, maxPending = 0;
            var window = new byte[frame.Length * 2 + 7];
            int filled = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                foreach (byte b in frame)
                {
                    window[filled++] = b;
                    if (filled < window.Length) continue;
                    int got = decoder.Push(window, 0, filled).Count();
                    decoded += got;
                    maxPending = Math.Max(maxPending, got);
                    filled = 0;
                }
            }
            decoded += decoder.Push(window, 0, filled).Count() + decoder.Finish().Count();
            Assert.Equal(10_000, decoded);
            Assert.True(maxPending <= 3, "frames are handed out as soon as they are complete");
            long perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000;
            Assert.True(perFrame < frame.Length * 12, $"{perFrame} bytes allocated per {frame.Length}-byte frame: memory must not grow with the count");
        }
    }
}
