using System.Text;
using Outpost.Core.Remoting;

namespace Outpost.Tests.Remoting
{
    /// <summary>
    /// The frame decoder's edge cases over streams assembled in the wrapper's exact line format (forged
    /// tokens, damaged frames, odd chunking); RecordedWrapperTests covers output recorded from real runs.
    /// </summary>
    public class RemoteFrameDecoderTests
    {
        private const string Token = "OUTPOST-0123456789abcdef0123456789abcdef";
        private const string StringXml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n  <S>hello</S>\r\n</Objs>";
        private const string ObjectXml =
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n  <Obj RefId=\"0\">\r\n    <TN RefId=\"0\">\r\n      <T>System.Management.Automation.PSCustomObject</T>\r\n      <T>System.Object</T>\r\n    </TN>\r\n    <MS>\r\n      <S N=\"Name\">pwsh</S>\r\n      <I32 N=\"Id\">42</I32>\r\n    </MS>\r\n  </Obj>\r\n</Objs>";

        private static string Frame(string kind, string xml) => $"{Token} {kind} {Convert.ToBase64String(Encoding.UTF8.GetBytes(xml))}\n";

        private static List<RemoteFrame> DecodeAll(string stream, int chunk)
        {
            var decoder = new RemoteFrameDecoder(Token);
            byte[] bytes = Encoding.UTF8.GetBytes(stream);
            var frames = new List<RemoteFrame>();
            for (int i = 0; i < bytes.Length; i += chunk)
                frames.AddRange(decoder.Push(bytes, i, Math.Min(chunk, bytes.Length - i)));
            frames.AddRange(decoder.Finish());
            return frames;
        }

        [Theory]
        [InlineData(1)]     // every frame split across many reads
        [InlineData(7)]
        [InlineData(4096)]
        public void Frames_and_stray_text_come_out_in_order_however_the_bytes_arrive(int chunk)
        {
            string stream = Frame("begin", "<Objs><S>7.5.0</S></Objs>") + Frame("output", StringXml) + "native tool says hi\r\n" +
                            Frame("output", ObjectXml) + "OUTPOST-forged output AAAA\n" + Frame("warning", StringXml) + "tail without newline";
            var frames = DecodeAll(stream, chunk);
            Assert.Equal(new[]
            {
                RemoteFrameKind.Begin, RemoteFrameKind.Output, RemoteFrameKind.Text, RemoteFrameKind.Output,
                RemoteFrameKind.Text, RemoteFrameKind.Warning, RemoteFrameKind.Text,
            }, frames.Select(f => f.Kind));
            Assert.Equal(StringXml, frames[1].Payload);
            Assert.Equal("native tool says hi", frames[2].Payload);
            Assert.Equal(ObjectXml, frames[3].Payload);
            Assert.Equal("OUTPOST-forged output AAAA", frames[4].Payload); // another token cannot pass for a frame
            Assert.Equal("tail without newline", frames[6].Payload);
        }

        [Fact]
        public void A_damaged_frame_comes_back_as_text_not_an_exception()
        {
            var frames = DecodeAll($"{Token} output not*base64\n{Token} unknownkind AAAA\n", 3);
            Assert.All(frames, f => Assert.Equal(RemoteFrameKind.Text, f.Kind));
        }

        [Fact]
        public void Ten_thousand_objects_stream_through_with_bounded_memory()
        {
            var decoder = new RemoteFrameDecoder(Token);
            byte[] one = Encoding.UTF8.GetBytes(Frame("output", ObjectXml));
            int count = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var chunk = new byte[one.Length * 3 + 5];
            int filled = 0;
            for (int i = 0; i < 10_000; i++)
            {
                // Feed in odd-sized chunks so frames straddle reads, as a growing file is read.
                foreach (byte b in one)
                {
                    chunk[filled++] = b;
                    if (filled == chunk.Length) { count += decoder.Push(chunk, 0, filled).Count(); filled = 0; }
                }
            }
            count += decoder.Push(chunk, 0, filled).Count();
            Assert.Equal(10_000, count);
            // Per frame: the line, its decoded text and the frame; nothing accumulates across frames.
            long perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000;
            Assert.True(perFrame < one.Length * 12, $"{perFrame} bytes allocated per {one.Length}-byte frame");
        }

        [Fact]
        public void The_wrapper_carries_the_token_arguments_and_script_and_uses_no_7_only_syntax()
        {
            string script = RemoteCommandScript.Build("Get-Process | Select-Object -First 1", "<Objs/>", null, 3, Token);
            Assert.Contains($"$__outpostToken = '{Token}'", script);
            Assert.Contains("$__outpostDepth = 3", script);
            Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("Get-Process | Select-Object -First 1")), script);
            // Windows PowerShell 5.1 has no ternary, null-coalescing or pipeline-chain operators.
            foreach (string sevenOnly in new[] { " ?? ", " ? ", "&&", "||", "??=", "?." })
                Assert.DoesNotContain(sevenOnly, script);
        }
    }
}
