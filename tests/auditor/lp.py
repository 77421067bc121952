import json,sys
import numpy as np
from scipy.optimize import linprog
for f in sys.argv[1:]:
    d=json.load(open(f))
    n=len(d['names']); t=d['threshold']
    # variables: all; bounds: shown fixed, else [floor, inf)
    bounds=[(s,s) if s is not None else (fl,None) for s,fl in zip(d['shown'],d['floor'])]
    A=[];b=[]
    for s in d['sums']:
        row=np.zeros(n)
        for p in s['parts']: row[p]+=1
        row[s['total']]-=1
        A.append(row); b.append(0)
    A=np.array(A); b=np.array(b)
    bad=[]; W=[i for i in range(n) if d['shown'][i] is None]
    for i in W:
        if d['truth'][i]==0: continue
        c=np.zeros(n); c[i]=1
        lo=linprog(c,A_eq=A,b_eq=b,bounds=bounds,method='highs')
        hi=linprog(-c,A_eq=A,b_eq=b,bounds=bounds,method='highs')
        l=lo.fun if lo.status==0 else None
        h=-hi.fun if hi.status==0 else float('inf')
        if hi.status==3: h=float('inf')
        import math
        L=math.ceil(l-1e-6); H=math.floor(h+1e-6) if h!=float('inf') else 10**9
        if H<=L or H<t: bad.append((d['names'][i],d['truth'][i],L,H))
    print(f.split('/')[-1], len(W), 'withheld;', len(bad), 'narrowed by LP'); [print('  ',x) for x in bad[:20]]
