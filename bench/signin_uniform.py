"""Times failed sign-ins for known and unknown names against a running secretome (issue 18: the
answer and its timing must not tell which names exist). Usage: python3 bench/signin_uniform.py PORT [PAIRS]
Keep PAIRS <= 10: one client address has 20 free failures before back-off starts."""
import http.client, re, sys, time, urllib.parse, statistics
port=int(sys.argv[1]); N=int(sys.argv[2]) if len(sys.argv)>2 else 15
def attempt(user, pw):
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=30)
    c.request("GET","/login"); r=c.getresponse(); body=r.read().decode()
    cookies=[h[1].split(";")[0] for h in r.getheaders() if h[0].lower()=="set-cookie"]
    m=re.search(r'name="csrf" value="([^"]+)"',body) or re.search(r'name="_csrf" value="([^"]+)"',body)
    tok=m.group(1) if m else ""
    fields={"user":user,"password":pw,"csrf":tok,"_csrf":tok}
    data=urllib.parse.urlencode(fields)
    t=time.perf_counter()
    c.request("POST","/login",body=data,headers={"Content-Type":"application/x-www-form-urlencoded","Cookie":"; ".join(cookies)})
    r=c.getresponse(); b=r.read()
    dt=time.perf_counter()-t
    return r.status, dt, b
known=[];unknown=[];bodies=set()
for i in range(N):
    # distinct names so throttling (5 free failures per name) never kicks in
    s1,d1,b1=attempt(["operator","qc","qa","physician","admin"][i%5],"wrong-%d"%i); known.append(d1)
    s2,d2,b2=attempt("nobody%d"%i,"wrong-%d"%i); unknown.append(d2)
    bodies.add((s1,s2))
mk,mu=statistics.median(known),statistics.median(unknown)
print(f"statuses {bodies}; median known-name wrong password {mk*1000:.1f} ms, unknown name {mu*1000:.1f} ms, ratio {max(mk,mu)/min(mk,mu):.2f}")
