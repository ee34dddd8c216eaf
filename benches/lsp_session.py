# The whole `leidraad lsp` process as an editor drives it: open lage-rugpijn,
# then N full-text changes 0.4 s apart (past the debounce), shutdown, exit.
# CPU time and peak memory from /usr/bin/time. Usage, from the repository
# root after `cargo build --release`: python3 benches/lsp_session.py N
import json,sys,time,subprocess,os
text=open('guidelines/lage-rugpijn.leidraad').read()
uri='file://'+os.path.abspath('guidelines/lage-rugpijn.leidraad')
def msg(o):
    b=json.dumps(o).encode(); return b'Content-Length: %d\r\n\r\n'%len(b)+b
p=subprocess.Popen(['/usr/bin/time','-f','cpu_user=%U cpu_sys=%S peak_kb=%M wall=%e','target/release/leidraad','lsp'],stdin=subprocess.PIPE,stdout=subprocess.DEVNULL)
w=p.stdin.write
w(msg({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"rootUri":None,"processId":None}}))
w(msg({"jsonrpc":"2.0","method":"initialized","params":{}}))
w(msg({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"leidraad","version":1,"text":text}}}))
p.stdin.flush(); time.sleep(1)
n=int(sys.argv[1])
for v in range(2,2+n):
    w(msg({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":v},"contentChanges":[{"text":text+"\n"*(v%2)}]}}))
    p.stdin.flush(); time.sleep(0.4)
w(msg({"jsonrpc":"2.0","id":2,"method":"shutdown"})); w(msg({"jsonrpc":"2.0","method":"exit"})); p.stdin.close(); p.wait()
